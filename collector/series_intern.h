// SPDX-License-Identifier: Apache-2.0
//
// Metric names, families and series label sets, each stored once for the whole collector. The
// hosts of a fleet define mostly the same series (node_cpu_seconds_total{cpu="0",mode="idle"} on
// every one of them), so a host's stored series is a reference to the shared description plus
// its value, not a copy of its name and labels: memory per series is what the value needs, and a
// series differing between hosts (a device or mount point name) costs its description once.
//
// Lifetime: an entry lives while references to it exist. References are intrusive counters
// (Ref<T>, one pointer wide); an entry whose count fell to zero is deleted by the next sweep of
// its table, which runs under the table's lock when the table has doubled since the last sweep.
// A reference is only ever created from zero under that lock (by a lookup), so a sweep that sees
// zero can delete safely.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "collector/label_pairs.h"
#include "hostmon/ingest/v1/ingest.pb.h"

namespace hostmon::collector {

// Base of every interned entry: its reference count.
class Interned {
 public:
  Interned() = default;
  Interned(const Interned&) = delete;
  Interned& operator=(const Interned&) = delete;

 private:
  template <typename T>
  friend class Ref;
  friend class SeriesInterner;
  mutable std::atomic<uint32_t> refs_{0};
};

// A counted reference to an interned entry (nullable).
template <typename T>
class Ref {
 public:
  Ref() = default;
  explicit Ref(const T* p) : p_(p) {
    if (p_ != nullptr) p_->refs_.fetch_add(1, std::memory_order_relaxed);
  }
  Ref(const Ref& other) : Ref(other.p_) {}
  Ref(Ref&& other) noexcept : p_(std::exchange(other.p_, nullptr)) {}
  Ref& operator=(Ref other) noexcept {
    std::swap(p_, other.p_);
    return *this;
  }
  ~Ref() {
    // Release: the sweep that sees zero (acquire) sees every use made through this reference.
    if (p_ != nullptr) p_->refs_.fetch_sub(1, std::memory_order_release);
  }
  const T* get() const { return p_; }
  const T* operator->() const { return p_; }
  const T& operator*() const { return *p_; }
  explicit operator bool() const { return p_ != nullptr; }

 private:
  const T* p_ = nullptr;
};

// A metric family name, with the type and help most recently defined for it by any agent: the
// exposition writes these once per name for every host's series of that name.
struct FamilyName : Interned {
  std::string name;
};

// A family as an agent defined it (name, type, help).
struct Family : Interned {
  Ref<FamilyName> name;
  ::hostmon::ingest::v1::MetricType type = ::hostmon::ingest::v1::METRIC_TYPE_UNTYPED;
  std::string help;
  std::string key;  // name, type and help: the interning key
};

// A series: family name and label set (validated: sorted by name, unique).
struct SeriesDesc : Interned {
  Ref<FamilyName> name;
  LabelPairs labels;
  // The labels as the exposition writes them inside the braces (a="1",b="2"; escaped), so that a
  // scrape copies them instead of escaping every value again.
  std::string label_text;
  uint64_t label_mask = 0;  // LabelNameMask(labels)
  std::string key;          // family name + labels, see SeriesKey
};

class SeriesInterner {
 public:
  SeriesInterner() = default;
  ~SeriesInterner();
  SeriesInterner(const SeriesInterner&) = delete;
  SeriesInterner& operator=(const SeriesInterner&) = delete;

  // The family (name, type, help), shared; its name's exposition metadata becomes this type and
  // help (the newest definition wins, as when an agent upgrade changes a help text).
  Ref<Family> InternFamily(absl::string_view name, ::hostmon::ingest::v1::MetricType type,
                           absl::string_view help) ABSL_LOCKS_EXCLUDED(mu_);
  // The series of `family`'s name with `labels` (validated), shared.
  Ref<SeriesDesc> InternSeries(const Family& family, const LabelPairs& labels)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Every family name alive, unordered.
  std::vector<Ref<FamilyName>> Names() const ABSL_LOCKS_EXCLUDED(mu_);
  // The name if it is alive, else null.
  Ref<FamilyName> FindName(absl::string_view name) const ABSL_LOCKS_EXCLUDED(mu_);
  // Appends the # HELP / # TYPE lines of `name` with its newest metadata.
  void AppendFamilyHeader(const FamilyName& name, std::string* out) const ABSL_LOCKS_EXCLUDED(mu_);

  // Entries held (alive or awaiting a sweep), for tests and self metrics.
  size_t names() const ABSL_LOCKS_EXCLUDED(mu_);
  size_t families() const ABSL_LOCKS_EXCLUDED(mu_);
  size_t series() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  template <typename T>
  struct Table {
    // Keys are views of the entries' own key strings.
    absl::flat_hash_map<absl::string_view, std::unique_ptr<T>> map;
    size_t sweep_at = 1024;
  };
  struct Metadata {
    ::hostmon::ingest::v1::MetricType type = ::hostmon::ingest::v1::METRIC_TYPE_UNTYPED;
    std::string help;
  };
  Ref<FamilyName> InternNameLocked(absl::string_view name) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Deletes the table's entries nobody references, once it has doubled since the last sweep.
  template <typename T>
  void MaybeSweep(Table<T>* table) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  // Declaration order is destruction order reversed: series and families hold names.
  Table<FamilyName> names_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<const FamilyName*, Metadata> metadata_ ABSL_GUARDED_BY(mu_);
  Table<Family> families_ ABSL_GUARDED_BY(mu_);
  Table<SeriesDesc> series_ ABSL_GUARDED_BY(mu_);
};

// Which label names a set holds, hashed into 64 bits: two sets whose masks share no bit have no
// name in common (the exposition checks this instead of comparing a series' labels with its
// host's for every sample).
uint64_t LabelNameMask(const LabelPairs& labels);

// Identifies a series: family name, then each label (validated: sorted, unique).
template <typename Labels>
std::string SeriesKey(absl::string_view family, const Labels& labels) {
  std::string key(family);
  for (const auto& l : labels) {
    const auto& [name, value] = l;
    key.append("\xff");
    key.append(name.data(), name.size());
    key.append("\xfe");
    key.append(value.data(), value.size());
  }
  return key;
}

}  // namespace hostmon::collector
