// SPDX-License-Identifier: Apache-2.0
#include "collector/series_intern.h"

#include <algorithm>

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "common/exposition.h"

namespace hostmon::collector {

namespace pb = ::hostmon::ingest::v1;

uint64_t LabelNameMask(const LabelPairs& labels) {
  uint64_t mask = 0;
  for (const auto& [name, value] : labels) mask |= uint64_t{1} << (absl::HashOf(name) % 64);
  return mask;
}

SeriesInterner::~SeriesInterner() {
  // Entries still referenced at destruction belong to objects destroyed with their owner (a
  // HostStore destroys its hosts and streams' state first); nothing is left to sweep for.
  absl::MutexLock lock(&mu_);
  series_.map.clear();
  families_.map.clear();
  metadata_.clear();
  names_.map.clear();
}

template <typename T>
void SeriesInterner::MaybeSweep(Table<T>* table) {
  if (table->map.size() < table->sweep_at) return;
  for (auto it = table->map.begin(); it != table->map.end();) {
    if (it->second->refs_.load(std::memory_order_acquire) == 0) {
      if constexpr (std::is_same_v<T, FamilyName>) metadata_.erase(it->second.get());
      table->map.erase(it++);
    } else {
      ++it;
    }
  }
  table->sweep_at = std::max<size_t>(1024, 2 * table->map.size());
}

Ref<FamilyName> SeriesInterner::InternNameLocked(absl::string_view name) {
  auto it = names_.map.find(name);
  if (it != names_.map.end()) return Ref<FamilyName>(it->second.get());
  MaybeSweep(&names_);
  auto entry = std::make_unique<FamilyName>();
  entry->name = std::string(name);
  Ref<FamilyName> ref(entry.get());
  absl::string_view key = entry->name;
  names_.map.emplace(key, std::move(entry));
  return ref;
}

Ref<Family> SeriesInterner::InternFamily(absl::string_view name, pb::MetricType type,
                                         absl::string_view help) {
  std::string key = absl::StrCat(name, "\xff", static_cast<int>(type), "\xff", help);
  absl::MutexLock lock(&mu_);
  Ref<Family> result;
  if (auto it = families_.map.find(key); it != families_.map.end()) {
    result = Ref<Family>(it->second.get());
  } else {
    MaybeSweep(&families_);
    // Sweep names only after families: a family swept above may have held the last reference.
    MaybeSweep(&names_);
    auto entry = std::make_unique<Family>();
    entry->name = InternNameLocked(name);
    entry->type = type;
    entry->help = std::string(help);
    entry->key = std::move(key);
    result = Ref<Family>(entry.get());
    absl::string_view view = entry->key;
    families_.map.emplace(view, std::move(entry));
  }
  Metadata& m = metadata_[result->name.get()];
  m.type = type;
  if (m.help != help) m.help = std::string(help);
  return result;
}

Ref<SeriesDesc> SeriesInterner::InternSeries(const Family& family, const LabelPairs& labels) {
  std::string key = SeriesKey(family.name->name, labels);
  absl::MutexLock lock(&mu_);
  if (auto it = series_.map.find(key); it != series_.map.end()) {
    return Ref<SeriesDesc>(it->second.get());
  }
  MaybeSweep(&series_);
  auto entry = std::make_unique<SeriesDesc>();
  entry->name = family.name;
  entry->labels = labels;
  std::vector<common::LabelRef> refs;
  refs.reserve(labels.size());
  for (const auto& [k, v] : labels) refs.push_back({k, v});
  common::AppendLabelPairs(&entry->label_text, refs);
  entry->label_mask = LabelNameMask(labels);
  entry->key = std::move(key);
  Ref<SeriesDesc> ref(entry.get());
  absl::string_view view = entry->key;
  series_.map.emplace(view, std::move(entry));
  return ref;
}

std::vector<Ref<FamilyName>> SeriesInterner::Names() const {
  absl::MutexLock lock(&mu_);
  std::vector<Ref<FamilyName>> out;
  out.reserve(names_.map.size());
  for (const auto& [key, entry] : names_.map) {
    if (entry->refs_.load(std::memory_order_relaxed) > 0) out.emplace_back(entry.get());
  }
  return out;
}

Ref<FamilyName> SeriesInterner::FindName(absl::string_view name) const {
  absl::MutexLock lock(&mu_);
  auto it = names_.map.find(name);
  if (it == names_.map.end() || it->second->refs_.load(std::memory_order_relaxed) == 0) return {};
  return Ref<FamilyName>(it->second.get());
}

void SeriesInterner::AppendFamilyHeader(const FamilyName& name, std::string* out) const {
  absl::MutexLock lock(&mu_);
  auto it = metadata_.find(&name);
  common::ExpositionWriter w(out);
  if (it == metadata_.end()) {
    w.BeginFamily(name.name, pb::METRIC_TYPE_UNTYPED, "");
  } else {
    w.BeginFamily(name.name, it->second.type, it->second.help);
  }
}

size_t SeriesInterner::names() const {
  absl::MutexLock lock(&mu_);
  return names_.map.size();
}

size_t SeriesInterner::families() const {
  absl::MutexLock lock(&mu_);
  return families_.map.size();
}

size_t SeriesInterner::series() const {
  absl::MutexLock lock(&mu_);
  return series_.map.size();
}

}  // namespace hostmon::collector
