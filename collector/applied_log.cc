// SPDX-License-Identifier: Apache-2.0
#include "collector/applied_log.h"

#include <cerrno>
#include <cstring>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/exposition.h"

namespace hostmon::collector {

absl::StatusOr<std::unique_ptr<AppliedBatchLog>> AppliedBatchLog::Open(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "a");
  if (f == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot open applied-batches file ", path, ": ", std::strerror(errno)));
  }
  return std::unique_ptr<AppliedBatchLog>(new AppliedBatchLog(f));
}

AppliedBatchLog::~AppliedBatchLog() {
  absl::MutexLock lock(&mu_);
  std::fclose(file_);
}

void AppliedBatchLog::OnBatch(const AppliedBatch& batch) {
  // Host names are validated UTF-8 without control characters; quotes and backslashes are the
  // only JSON escapes they can need.
  std::string host;
  for (char c : batch.host) {
    if (c == '"' || c == '\\') host.push_back('\\');
    host.push_back(c);
  }
  std::string line = absl::StrCat("{\"host\":\"", host, "\",\"sequence\":", batch.sequence,
                                  ",\"replayed\":", batch.replayed ? "true" : "false",
                                  ",\"timestamp_ms\":", batch.timestamp_ms,
                                  ",\"samples\":", batch.samples.size(), "}\n");
  absl::MutexLock lock(&mu_);
  std::fwrite(line.data(), 1, line.size(), file_);
  std::fflush(file_);
}

}  // namespace hostmon::collector
