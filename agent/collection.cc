// SPDX-License-Identifier: Apache-2.0
#include "agent/collection.h"

#include <algorithm>
#include <cstdint>
#include <map>

#include "absl/strings/str_cat.h"
#include "agent/source_outcome.h"
#include "common/host_identity.h"
#include "common/log.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kDuplicates{
    "hostmon_agent_duplicate_samples_total", kCounter,
    "Samples dropped because another source already wrote the same series (e.g. a textfile "
    "repeating a built-in metric)."};

constexpr MetricDesc kInvalid{
    "hostmon_agent_invalid_series_samples_total", kCounter,
    "Samples dropped because their series' labels would be rejected by the collector (a name it "
    "sets itself such as job or instance, an invalid name, a duplicate name, a value that is not "
    "UTF-8; e.g. from a textfile)."};

// The collector's rules for a series' labels (common::ValidateSeriesLabels), in the canonical
// order the transport sends them in. A series that breaks them would get its whole batch rejected.
absl::Status CheckSeriesLabels(LabelSpan labels) {
  std::vector<common::LabelView> sorted;
  sorted.reserve(labels.size());
  for (const LabelRef& l : labels) sorted.push_back({l.name, l.value});
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  return common::ValidateSeriesLabels(sorted, {});
}

class BatchWriter : public SampleWriter {
 public:
  // `name_cache`, `written` and `valid` outlive the writer so their capacity is reused across
  // collections; `written[ref] == cycle` marks a series already written in this collection,
  // `valid[ref]` whether its labels were checked (1: fine, 2: dropped).
  BatchWriter(SeriesTable* table, CollectedBatch* batch, std::string* name_cache,
              std::vector<uint32_t>* written, std::vector<WrittenAt>* order,
              std::vector<uint8_t>* valid, uint32_t cycle)
      : table_(table),
        batch_(batch),
        last_name_(*name_cache),
        written_(*written),
        order_(*order),
        valid_(*valid),
        cycle_(cycle) {
    last_name_.clear();
  }
  // The next collection's hints end where this one ended.
  ~BatchWriter() { order_.resize(position_); }

  // Samples dropped because the collector would reject their series' labels.
  uint64_t invalid() const { return invalid_; }
  const std::string& first_invalid() const { return first_invalid_; }

  // Samples dropped because their series was already written in this collection.
  uint64_t duplicates() const { return duplicates_; }
  const std::string& first_duplicate() const { return first_duplicate_; }

  void Add(const MetricDesc& desc, LabelSpan labels, double value) override {
    // The sources write the same series in the same order every cycle: what was written at this
    // position last time is the likely family and series, checked before a full lookup.
    const bool hinted = position_ < order_.size();
    // Sources emit one family many times in a row; remembering the last one skips a lookup.
    // Compared by content: sources may build names in a reused buffer.
    if (desc.name != last_name_) {
      last_family_ =
          table_->InternFamily(desc, hinted ? order_[position_].family : SeriesTable::kNoHint);
      last_name_.assign(desc.name.data(), desc.name.size());
    }
    uint32_t ref = table_->InternSeries(last_family_, labels,
                                        hinted ? order_[position_].series : SeriesTable::kNoHint);
    if (hinted) {
      order_[position_] = WrittenAt{last_family_, ref};
    } else {
      order_.push_back(WrittenAt{last_family_, ref});
    }
    ++position_;
    if (ref >= written_.size()) written_.resize(ref + 1, 0);
    if (ref >= valid_.size()) valid_.resize(ref + 1, 0);
    if (valid_[ref] == 0) {  // checked once per series
      absl::Status s = CheckSeriesLabels(labels);
      valid_[ref] = s.ok() ? 1 : 2;
      if (!s.ok() && first_invalid_.empty()) {
        first_invalid_ = absl::StrCat(desc.name, ": ", s.message());
      }
    }
    if (valid_[ref] == 2) {
      ++invalid_;
      return;
    }
    if (written_[ref] == cycle_) {
      // Two sources (typically a textfile repeating a built-in metric) wrote the same series:
      // the first one wins, as node_exporter's registry rejects the later one at gather time.
      if (duplicates_++ == 0) first_duplicate_.assign(desc.name.data(), desc.name.size());
      return;
    }
    written_[ref] = cycle_;
    batch_->refs.push_back(ref);
    batch_->values.push_back(value);
  }

 private:
  SeriesTable* table_;
  CollectedBatch* batch_;
  std::string& last_name_;
  std::vector<uint32_t>& written_;
  std::vector<WrittenAt>& order_;
  size_t position_ = 0;
  std::vector<uint8_t>& valid_;
  const uint32_t cycle_;
  uint64_t invalid_ = 0;
  std::string first_invalid_;
  uint64_t duplicates_ = 0;
  std::string first_duplicate_;
  uint32_t last_family_ = 0;
};

}  // namespace

Collection::Collection(SeriesTable* table, std::vector<NamedSource> sources,
                       const common::Clock* clock, std::shared_ptr<CycleFiles> cycle_files)
    : table_(table),
      cycle_files_(std::move(cycle_files)),
      sources_(std::move(sources)),
      clock_(clock) {
  last_error_.resize(sources_.size());
}

void Collection::EnableCostAccounting() {
  costs_.resize(sources_.size());
  for (size_t i = 0; i < sources_.size(); ++i) costs_[i].name = sources_[i].name;
}

void Collection::CollectOnce(CollectedBatch* batch) {
  batch->refs.clear();
  batch->values.clear();
  batch->refs.reserve(last_size_);
  batch->values.reserve(last_size_);
  absl::Time start = clock_->Now();
  batch->timestamp_ms = absl::ToUnixMillis(start);
  // Cycle numbers start at 1 so that the zero-initialised marks never match.
  if (++cycle_ == 0) {
    std::fill(written_.begin(), written_.end(), 0);
    cycle_ = 1;
  }
  if (cycle_files_ != nullptr) cycle_files_->BeginCycle();
  BatchWriter writer(table_, batch, &name_cache_, &written_, &order_, &valid_, cycle_);
  for (size_t i = 0; i < sources_.size(); ++i) {
    NamedSource& s = sources_[i];
    const bool account = !costs_.empty();
    ThreadUsage before;
    if (account) before = ThreadUsageNow();
    const size_t samples_before = batch->refs.size();
    absl::Time t0 = absl::Now();
    absl::Status status = s.source->Collect(writer);
    double seconds = absl::ToDoubleSeconds(absl::Now() - t0);
    if (account) {
      costs_[i].Add(seconds, before, ThreadUsageNow(), batch->refs.size() - samples_before);
    }
    WriteSourceOutcome(writer, s.name, status.ok(), seconds);
    // Log transitions only: a source that fails every cycle must not flood the journal.
    std::string err = status.ok() ? "" : std::string(status.message());
    if (err != last_error_[i]) {
      if (status.ok()) {
        common::log::Info("source recovered", common::log::Kv("source", s.name));
      } else if (absl::IsNotFound(status)) {
        common::log::Debug("source has no data on this host",
                           common::log::Kv("source", s.name) + common::log::Kv("err", err));
      } else {
        common::log::Warn("source failed",
                          common::log::Kv("source", s.name) + common::log::Kv("err", err));
      }
      last_error_[i] = std::move(err);
    }
  }
  for (Contributor* c : contributors_) c->WriteTo(writer);
  if (writer.invalid() > 0) {
    invalid_samples_ += writer.invalid();
    if (!writer.first_invalid().empty()) {  // a series seen for the first time: log it once
      common::log::Warn("series dropped: the collector would reject its labels",
                        common::log::Kv("err", writer.first_invalid()));
    }
  }
  if (writer.duplicates() > 0) {
    duplicate_samples_ += writer.duplicates();
    if (!duplicates_logged_) {
      common::log::Warn("duplicate series dropped (the first source's value is kept)",
                        common::log::Kv("metric", writer.first_duplicate()) +
                            common::log::Kv("samples", static_cast<int64_t>(writer.duplicates())));
      duplicates_logged_ = true;
    }
  }
  last_size_ = batch->refs.size();
}

void Collection::WriteMetrics(SampleWriter& out) const {
  out.Add(kDuplicates, {}, static_cast<double>(duplicate_samples_));
  out.Add(kInvalid, {}, static_cast<double>(invalid_samples_));
}

std::string FormatExposition(const SeriesTable& table, const CollectedBatch& batch) {
  // Group samples by family name; std::map keeps the output sorted and stable for golden files.
  std::map<std::string, std::vector<size_t>> by_family;
  std::vector<uint32_t> family_of(batch.refs.size());
  for (size_t i = 0; i < batch.refs.size(); ++i) {
    table.WithSeriesAndFamily(batch.refs[i],
                              [&](const SeriesTable::Series& s, const SeriesTable::Family& f) {
                                family_of[i] = s.family;
                                by_family[f.name].push_back(i);
                              });
  }
  std::string out;
  common::ExpositionWriter w(&out);
  std::vector<LabelRef> labels;
  for (const auto& [name, indexes] : by_family) {
    table.WithFamily(family_of[indexes.front()],
                     [&](const SeriesTable::Family& f) { w.BeginFamily(f.name, f.type, f.help); });
    for (size_t i : indexes) {
      // `&family = name`: C++17 lambdas cannot capture a structured binding (clang enforces it).
      table.WithSeries(batch.refs[i], [&, &family = name](const SeriesTable::Series& s) {
        labels.clear();
        for (const auto& [k, v] : s.labels) labels.push_back(LabelRef{k, v});
        w.Sample(family, labels, {}, batch.values[i]);
      });
    }
  }
  return out;
}

}  // namespace hostmon::agent
