// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/time/time_source.h"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <utility>
#include <vector>

#include "agent/sources/time/clocksource_parser.h"
#include "common/dir_entries.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kTimeSeconds{"node_time_seconds", kGauge,
                                  "System time in seconds since epoch (1970)."};
constexpr MetricDesc kZoneOffset{"node_time_zone_offset_seconds", kGauge,
                                 "System time zone offset in seconds."};
constexpr MetricDesc kAvailable{
    "node_time_clocksource_available_info", kGauge,
    "Available clocksources read from '/sys/devices/system/clocksource'."};
constexpr MetricDesc kCurrent{"node_time_clocksource_current_info", kGauge,
                              "Current clocksource read from '/sys/devices/system/clocksource'."};

void LocalTimeZone(absl::Time t, std::string* name, int* offset) {
  const time_t secs = absl::ToTimeT(t);
  struct tm tm;
  if (localtime_r(&secs, &tm) == nullptr) {
    name->assign("UTC");
    *offset = 0;
    return;
  }
  name->assign(tm.tm_zone != nullptr ? tm.tm_zone : "");
  *offset = static_cast<int>(tm.tm_gmtoff);
}

class TimeSource : public Source {
 public:
  TimeSource(const common::FsRoot& fs, const common::Clock* clock, TimeZoneFunction zone)
      : dir_(fs.Sys("devices/system/clocksource")), clock_(clock), zone_(std::move(zone)) {}

  absl::Status Collect(SampleWriter& out) override {
    const absl::Time now = clock_->Now();
    // Same arithmetic as node_exporter: float64(UnixNano) / 1e9.
    out.Add(kTimeSeconds, {}, static_cast<double>(absl::ToUnixNanos(now)) / 1e9);
    int offset = 0;
    zone_(now, &zone_name_, &offset);
    const LabelRef zone_labels[] = {{"time_zone", zone_name_}};
    out.Add(kZoneOffset, zone_labels, offset);
    return CollectClocksources(out);
  }

 private:
  // node_exporter globs clocksource[0-9]*; a missing directory just yields no series.
  absl::Status CollectClocksources(SampleWriter& out) {
    absl::Status listed = common::ListDir(dir_, &entries_);  // sorted, as Go's glob
    if (absl::IsNotFound(listed)) return absl::OkStatus();
    HM_RETURN_IF_ERROR(listed);
    for (const absl::string_view entry : entries_.names) {
      const absl::string_view device = ClocksourceDevice(entry);
      if (device.empty()) continue;
      path_.assign(dir_).append("/").append(entry.data(), entry.size());
      path_.append("/available_clocksource");
      HM_RETURN_IF_ERROR(common::ReadFileTo(path_, &available_text_));
      HM_RETURN_IF_ERROR(ParseClocksources(available_text_, path_, false, &names_));
      for (absl::string_view name : names_) {
        const LabelRef labels[] = {{"clocksource", name}, {"device", device}};
        out.Add(kAvailable, labels, 1);
      }
      path_.assign(dir_).append("/").append(entry.data(), entry.size());
      path_.append("/current_clocksource");
      HM_RETURN_IF_ERROR(common::ReadFileTo(path_, &current_text_));
      HM_RETURN_IF_ERROR(ParseClocksources(current_text_, path_, true, &names_));
      const LabelRef labels[] = {{"clocksource", names_[0]}, {"device", device}};
      out.Add(kCurrent, labels, 1);
    }
    return absl::OkStatus();
  }

  std::string dir_;
  const common::Clock* clock_;
  TimeZoneFunction zone_;
  std::string zone_name_;
  // Reused across collections so that a steady state allocates nothing.
  common::DirListing entries_;
  std::string path_, available_text_, current_text_;
  common::Fields names_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeTimeSource(const SourceContext& ctx) {
  return MakeTimeSourceWith(ctx, &common::RealClock::Get(), LocalTimeZone);
}

absl::StatusOr<SourcePtr> MakeTimeSourceWith(const SourceContext& ctx, const common::Clock* clock,
                                             TimeZoneFunction zone) {
  return std::make_unique<TimeSource>(*ctx.fs, clock, std::move(zone));
}

}  // namespace hostmon::agent
