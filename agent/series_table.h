// SPDX-License-Identifier: Apache-2.0
//
// Agent-wide interning of metric families and series into dense integer refs. Refs never change
// for the life of the process, so a collected batch is just (ref, value) pairs, and the transport
// sends a definition only the first time a ref appears on a stream.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "agent/source.h"

namespace hostmon::agent {

class SeriesTable {
 public:
  struct Family {
    std::string name;
    MetricType type;
    std::string help;
  };
  struct Series {
    uint32_t family;
    std::vector<std::pair<std::string, std::string>> labels;
  };

  // `hint` below is the ref the caller expects (a collection writes the same series in the same
  // order every cycle): when it is the one, the lookup compares it instead of hashing a key. Any
  // hint is safe; kNoHint skips the check.
  static constexpr uint32_t kNoHint = UINT32_MAX;
  // Returns the ref of (desc.name); the first desc seen for a name defines type and help.
  uint32_t InternFamily(const MetricDesc& desc, uint32_t hint = kNoHint) ABSL_LOCKS_EXCLUDED(mu_);
  // Returns the ref of (family, labels). Allocation-free when the series exists.
  uint32_t InternSeries(uint32_t family, LabelSpan labels, uint32_t hint = kNoHint)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Calls fn(const Family&) / fn(const Series&) under the table's lock; refs must be valid.
  template <typename Fn>
  void WithFamily(uint32_t ref, Fn&& fn) const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    fn(families_[ref]);
  }
  template <typename Fn>
  void WithSeries(uint32_t ref, Fn&& fn) const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    fn(series_[ref]);
  }

  // Calls fn(const Series&, const Family&) for a series and its family under one lock.
  template <typename Fn>
  void WithSeriesAndFamily(uint32_t ref, Fn&& fn) const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    const Series& s = series_[ref];
    fn(s, families_[s.family]);
  }

  size_t family_count() const ABSL_LOCKS_EXCLUDED(mu_);
  size_t series_count() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  mutable absl::Mutex mu_;
  // deque: stable element addresses while appending.
  std::deque<Family> families_ ABSL_GUARDED_BY(mu_);
  std::deque<Series> series_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, uint32_t> family_refs_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, uint32_t> series_refs_ ABSL_GUARDED_BY(mu_);
  std::string key_ ABSL_GUARDED_BY(mu_);  // reused lookup key buffer
};

}  // namespace hostmon::agent
