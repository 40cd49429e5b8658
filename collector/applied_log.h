// SPDX-License-Identifier: Apache-2.0
//
// Test and debugging aid (`--debug.applied-batches-file`): one JSON line per batch the store
// applied (duplicates never appear), so fault tests can count exactly which sequences and samples
// reached the collector, and with which timestamps. Not meant for production: it writes a line per
// batch.
//
//   {"host":"h1","sequence":42,"replayed":true,"timestamp_ms":1700000000000,"samples":120}
#pragma once

#include <cstdio>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "collector/batch_observer.h"

namespace hostmon::collector {

class AppliedBatchLog : public BatchObserver {
 public:
  static absl::StatusOr<std::unique_ptr<AppliedBatchLog>> Open(const std::string& path);
  ~AppliedBatchLog() override;
  void OnBatch(const AppliedBatch& batch) override ABSL_LOCKS_EXCLUDED(mu_);

 private:
  explicit AppliedBatchLog(std::FILE* f) : file_(f) {}
  absl::Mutex mu_;
  std::FILE* file_ ABSL_GUARDED_BY(mu_);
};

}  // namespace hostmon::collector
