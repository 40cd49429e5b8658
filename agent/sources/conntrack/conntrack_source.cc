// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/conntrack/conntrack_source.h"

#include <string>

#include "agent/sources/common/static_file.h"
#include "agent/sources/conntrack/conntrack_parser.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kEntries{"node_nf_conntrack_entries", kGauge,
                              "Number of currently allocated flow entries for connection "
                              "tracking."};
constexpr MetricDesc kLimit{"node_nf_conntrack_entries_limit", kGauge,
                            "Maximum size of connection tracking table."};
constexpr MetricDesc kFound{"node_nf_conntrack_stat_found", kGauge,
                            "Number of searched entries which were successful."};
constexpr MetricDesc kInvalid{"node_nf_conntrack_stat_invalid", kGauge,
                              "Number of packets seen which can not be tracked."};
constexpr MetricDesc kIgnore{
    "node_nf_conntrack_stat_ignore", kGauge,
    "Number of packets seen which are already connected to a conntrack entry."};
constexpr MetricDesc kInsert{"node_nf_conntrack_stat_insert", kGauge,
                             "Number of entries inserted into the list."};
constexpr MetricDesc kInsertFailed{
    "node_nf_conntrack_stat_insert_failed", kGauge,
    "Number of entries for which list insertion was attempted but failed."};
constexpr MetricDesc kDrop{"node_nf_conntrack_stat_drop", kGauge,
                           "Number of packets dropped due to conntrack failure."};
constexpr MetricDesc kEarlyDrop{
    "node_nf_conntrack_stat_early_drop", kGauge,
    "Number of dropped conntrack entries to make room for new ones, if maximum table size was "
    "reached."};
constexpr MetricDesc kSearchRestart{
    "node_nf_conntrack_stat_search_restart", kGauge,
    "Number of conntrack table lookups which had to be restarted due to hashtable resizes."};

class ConntrackSource : public Source {
 public:
  ConntrackSource(const common::FsRoot& fs, const common::Clock* clock)
      : count_path_(fs.Proc("sys/net/netfilter/nf_conntrack_count")),
        max_(fs.Proc("sys/net/netfilter/nf_conntrack_max"), kConntrackMaxRefresh, clock),
        stat_path_(fs.Proc("net/stat/nf_conntrack")) {}

  absl::Status Collect(SampleWriter& out) override {
    uint64_t count;
    HM_RETURN_IF_ERROR(common::ReadFileTo(count_path_, &text_));
    HM_RETURN_IF_ERROR(
        ParseConntrackValue(text_, "/proc/sys/net/netfilter/nf_conntrack_count", &count));
    HM_RETURN_IF_ERROR(max_.Update());
    // Parsed only when read; a bad value fails every collection until a refresh reads a good one.
    if (max_.changed()) {
      max_status_ =
          ParseConntrackValue(max_.text(), "/proc/sys/net/netfilter/nf_conntrack_max", &max_value_);
    }
    HM_RETURN_IF_ERROR(max_status_);
    out.Add(kEntries, {}, static_cast<double>(count));
    out.Add(kLimit, {}, static_cast<double>(max_value_));
    // Like node_exporter, a missing stat file fails the round (NotFound) after the two gauges.
    HM_RETURN_IF_ERROR(common::ReadFileTo(stat_path_, &text_));
    ConntrackStat stat;
    HM_RETURN_IF_ERROR(ParseConntrackStat(text_, &stat));
    out.Add(kFound, {}, static_cast<double>(stat.found));
    out.Add(kInvalid, {}, static_cast<double>(stat.invalid));
    out.Add(kIgnore, {}, static_cast<double>(stat.ignore));
    out.Add(kInsert, {}, static_cast<double>(stat.insert));
    out.Add(kInsertFailed, {}, static_cast<double>(stat.insert_failed));
    out.Add(kDrop, {}, static_cast<double>(stat.drop));
    out.Add(kEarlyDrop, {}, static_cast<double>(stat.early_drop));
    out.Add(kSearchRestart, {}, static_cast<double>(stat.search_restart));
    return absl::OkStatus();
  }

 private:
  std::string count_path_;
  StaticFile max_;
  absl::Status max_status_;
  uint64_t max_value_ = 0;
  std::string stat_path_;
  std::string text_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeConntrackSource(const SourceContext& ctx) {
  return MakeConntrackSourceWithClock(ctx, &common::RealClock::Get());
}

absl::StatusOr<SourcePtr> MakeConntrackSourceWithClock(const SourceContext& ctx,
                                                       const common::Clock* clock) {
  return std::make_unique<ConntrackSource>(*ctx.fs, clock);
}

}  // namespace hostmon::agent
