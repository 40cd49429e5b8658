// SPDX-License-Identifier: Apache-2.0
#include "agent/series_table.h"

namespace hostmon::agent {

uint32_t SeriesTable::InternFamily(const MetricDesc& desc, uint32_t hint) {
  absl::MutexLock lock(&mu_);
  if (hint < families_.size() && families_[hint].name == desc.name) return hint;
  if (auto it = family_refs_.find(desc.name); it != family_refs_.end()) return it->second;
  uint32_t ref = static_cast<uint32_t>(families_.size());
  families_.push_back(Family{std::string(desc.name), desc.type, std::string(desc.help)});
  family_refs_.emplace(std::string(desc.name), ref);
  return ref;
}

namespace {

bool SameSeries(const SeriesTable::Series& s, uint32_t family, LabelSpan labels) {
  if (s.family != family || s.labels.size() != labels.size()) return false;
  for (size_t i = 0; i < labels.size(); ++i) {
    if (s.labels[i].first != labels[i].name || s.labels[i].second != labels[i].value) return false;
  }
  return true;
}

}  // namespace

uint32_t SeriesTable::InternSeries(uint32_t family, LabelSpan labels, uint32_t hint) {
  absl::MutexLock lock(&mu_);
  if (hint < series_.size() && SameSeries(series_[hint], family, labels)) return hint;
  // Key: 4 bytes of family ref, then name\0value\0 per label. Built in a reused buffer so the
  // lookup of an existing series does not allocate.
  key_.clear();
  key_.append(reinterpret_cast<const char*>(&family), sizeof(family));
  for (const LabelRef& l : labels) {
    key_.append(l.name.data(), l.name.size());
    key_.push_back('\0');
    key_.append(l.value.data(), l.value.size());
    key_.push_back('\0');
  }
  if (auto it = series_refs_.find(key_); it != series_refs_.end()) return it->second;
  uint32_t ref = static_cast<uint32_t>(series_.size());
  Series s{family, {}};
  s.labels.reserve(labels.size());
  for (const LabelRef& l : labels) s.labels.emplace_back(std::string(l.name), std::string(l.value));
  series_.push_back(std::move(s));
  series_refs_.emplace(key_, ref);
  return ref;
}

size_t SeriesTable::family_count() const {
  absl::MutexLock lock(&mu_);
  return families_.size();
}

size_t SeriesTable::series_count() const {
  absl::MutexLock lock(&mu_);
  return series_.size();
}

}  // namespace hostmon::agent
