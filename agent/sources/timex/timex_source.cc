// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/timex/timex_source.h"

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"

namespace hostmon::agent {
namespace {

// node_exporter's names, types and help texts.
constexpr MetricDesc kOffset{"node_timex_offset_seconds", kGauge,
                             "Time offset in between local system and reference clock."};
constexpr MetricDesc kFreq{"node_timex_frequency_adjustment_ratio", kGauge,
                           "Local clock frequency adjustment."};
constexpr MetricDesc kMaxError{"node_timex_maxerror_seconds", kGauge, "Maximum error in seconds."};
constexpr MetricDesc kEstError{"node_timex_estimated_error_seconds", kGauge,
                               "Estimated error in seconds."};
constexpr MetricDesc kStatus{"node_timex_status", kGauge, "Value of the status array bits."};
constexpr MetricDesc kConstant{"node_timex_loop_time_constant", kGauge,
                               "Phase-locked loop time constant."};
constexpr MetricDesc kTick{"node_timex_tick_seconds", kGauge, "Seconds between clock ticks."};
constexpr MetricDesc kPpsFreq{"node_timex_pps_frequency_hertz", kGauge,
                              "Pulse per second frequency."};
constexpr MetricDesc kPpsJitter{"node_timex_pps_jitter_seconds", kGauge,
                                "Pulse per second jitter."};
constexpr MetricDesc kPpsShift{"node_timex_pps_shift_seconds", kGauge,
                               "Pulse per second interval duration."};
constexpr MetricDesc kPpsStability{
    "node_timex_pps_stability_hertz", kGauge,
    "Pulse per second stability, average of recent frequency changes."};
constexpr MetricDesc kPpsJitterCount{"node_timex_pps_jitter_total", kCounter,
                                     "Pulse per second count of jitter limit exceeded events."};
constexpr MetricDesc kPpsCalibrationCount{"node_timex_pps_calibration_total", kCounter,
                                          "Pulse per second count of calibration intervals."};
constexpr MetricDesc kPpsErrorCount{"node_timex_pps_error_total", kCounter,
                                    "Pulse per second count of calibration errors."};
constexpr MetricDesc kPpsStabilityExceeded{
    "node_timex_pps_stability_exceeded_total", kCounter,
    "Pulse per second count of stability limit exceeded events."};
constexpr MetricDesc kTaiOffset{"node_timex_tai_offset_seconds", kGauge,
                                "International Atomic Time (TAI) offset."};
constexpr MetricDesc kSyncStatus{"node_timex_sync_status", kGauge,
                                 "Is clock synchronized to a reliable server (1 = yes, 0 = no)."};

constexpr double kMicro = 1000000.0;
constexpr double kNano = 1000000000.0;
// adjtimex(2) NOTES: freq and the PPS frequencies are in ppm with a 16-bit fractional part.
constexpr double kPpm16Frac = 1000000.0 * 65536.0;

class TimexSource : public Source {
 public:
  explicit TimexSource(AdjtimexFunction adjtimex) : adjtimex_(std::move(adjtimex)) {}

  absl::Status Collect(SampleWriter& out) override {
    struct timex tx;
    std::memset(&tx, 0, sizeof(tx));  // modes = 0: read only
    absl::StatusOr<int> state = adjtimex_(&tx);
    if (!state.ok()) return state.status();
    // offset and the PPS jitter are in ns when STA_NANO is set, else in us.
    const double divisor = (tx.status & STA_NANO) != 0 ? kNano : kMicro;
    out.Add(kSyncStatus, {}, *state == TIME_ERROR ? 0 : 1);
    out.Add(kOffset, {}, static_cast<double>(tx.offset) / divisor);
    out.Add(kFreq, {}, 1 + static_cast<double>(tx.freq) / kPpm16Frac);
    out.Add(kMaxError, {}, static_cast<double>(tx.maxerror) / kMicro);
    out.Add(kEstError, {}, static_cast<double>(tx.esterror) / kMicro);
    out.Add(kStatus, {}, tx.status);
    out.Add(kConstant, {}, static_cast<double>(tx.constant));
    out.Add(kTick, {}, static_cast<double>(tx.tick) / kMicro);
    out.Add(kPpsFreq, {}, static_cast<double>(tx.ppsfreq) / kPpm16Frac);
    out.Add(kPpsJitter, {}, static_cast<double>(tx.jitter) / divisor);
    out.Add(kPpsShift, {}, tx.shift);
    out.Add(kPpsStability, {}, static_cast<double>(tx.stabil) / kPpm16Frac);
    out.Add(kPpsJitterCount, {}, static_cast<double>(tx.jitcnt));
    out.Add(kPpsCalibrationCount, {}, static_cast<double>(tx.calcnt));
    out.Add(kPpsErrorCount, {}, static_cast<double>(tx.errcnt));
    out.Add(kPpsStabilityExceeded, {}, static_cast<double>(tx.stbcnt));
    out.Add(kTaiOffset, {}, tx.tai);
    return absl::OkStatus();
  }

 private:
  AdjtimexFunction adjtimex_;
};

absl::StatusOr<int> SystemAdjtimex(struct timex* tx) {
  const int state = ::adjtimex(tx);
  if (state < 0) {
    const int err = errno;
    // As node_exporter: a sandbox that forbids the call means no data, not a failure.
    if (err == EPERM) return absl::NotFoundError("adjtimex(2): not permitted");
    return absl::InternalError(absl::StrCat("adjtimex(2): ", std::strerror(err)));
  }
  return state;
}

}  // namespace

absl::StatusOr<SourcePtr> MakeTimexSource(const SourceContext& /*ctx*/) {
  return MakeTimexSourceWith(SystemAdjtimex);
}

absl::StatusOr<SourcePtr> MakeTimexSourceWith(AdjtimexFunction adjtimex) {
  return std::make_unique<TimexSource>(std::move(adjtimex));
}

}  // namespace hostmon::agent
