// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/systemd/systemd_source.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "common/status_macros.h"
#include "re2/re2.h"

namespace hostmon::agent {
namespace {

// Names and help texts as node_exporter 1.5.0 (collector/systemd_linux.go).
constexpr MetricDesc kUnitState{"node_systemd_unit_state", kGauge, "Systemd unit"};
constexpr MetricDesc kUnits{"node_systemd_units", kGauge, "Summary of systemd unit states"};
constexpr MetricDesc kSocketAccepted{"node_systemd_socket_accepted_connections_total", kCounter,
                                     "Total number of accepted socket connections"};
constexpr MetricDesc kSocketCurrent{"node_systemd_socket_current_connections", kGauge,
                                    "Current number of socket connections"};
constexpr MetricDesc kSocketRefused{"node_systemd_socket_refused_connections_total", kCounter,
                                    "Total number of refused socket connections"};
constexpr MetricDesc kSystemRunning{
    "node_systemd_system_running", kGauge,
    "Whether the system is operational (see 'systemctl is-system-running')"};

// node_exporter's unitStatesName, in its order.
constexpr absl::string_view kStates[] = {"activating", "active", "deactivating", "failed",
                                         "inactive"};

class SystemdSource : public Source {
 public:
  SystemdSource(std::unique_ptr<SystemdClient> client, std::unique_ptr<RE2> include,
                std::unique_ptr<RE2> exclude)
      : client_(std::move(client)), include_(std::move(include)), exclude_(std::move(exclude)) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(client_->ListUnits(&units_));
    double counts[std::size(kStates)] = {};
    for (const UnitInfo& unit : units_) {
      if (unit.load_state != "loaded" || !RE2::FullMatch(unit.name, *include_) ||
          RE2::FullMatch(unit.name, *exclude_)) {
        continue;
      }
      // As node_exporter: a unit whose Type cannot be read is still exported, with type="".
      if (!client_->UnitType(unit, &type_).ok()) type_.clear();
      for (size_t i = 0; i < std::size(kStates); ++i) {
        const bool current = unit.active_state == kStates[i];
        if (current) counts[i] += 1;
        const LabelRef labels[] = {{"name", unit.name}, {"state", kStates[i]}, {"type", type_}};
        out.Add(kUnitState, labels, current ? 1 : 0);
      }
      if (absl::EndsWith(unit.name, ".socket")) {
        SocketStats stats;
        // As node_exporter: a socket whose counters cannot be read is skipped, not an error.
        if (!client_->Socket(unit, &stats).ok()) continue;
        const LabelRef labels[] = {{"name", unit.name}};
        out.Add(kSocketAccepted, labels, stats.accepted);
        out.Add(kSocketCurrent, labels, stats.current);
        out.Add(kSocketRefused, labels, stats.refused);
      }
    }
    for (size_t i = 0; i < std::size(kStates); ++i) {
      const LabelRef labels[] = {{"state", kStates[i]}};
      out.Add(kUnits, labels, counts[i]);
    }
    HM_RETURN_IF_ERROR(client_->SystemState(&system_state_));
    out.Add(kSystemRunning, {}, system_state_ == "running" ? 1 : 0);
    return absl::OkStatus();
  }

 private:
  std::unique_ptr<SystemdClient> client_;
  std::unique_ptr<RE2> include_;
  std::unique_ptr<RE2> exclude_;
  std::vector<UnitInfo> units_;  // reused buffers
  std::string type_;
  std::string system_state_;
};

// The option's pattern; "" means the default (node_exporter's).
absl::StatusOr<std::unique_ptr<RE2>> Pattern(const SourceContext& ctx, absl::string_view option,
                                             const char* fallback) {
  HM_ASSIGN_OR_RETURN(std::unique_ptr<RE2> re, ctx.Regex(option));
  if (re == nullptr) re = std::make_unique<RE2>(fallback);
  return re;
}

}  // namespace

const std::vector<SourceOption>& SystemdOptions() {
  static const auto* options = new std::vector<SourceOption>{
      {"unit-include", kSystemdDefaultUnitInclude,
       "Regexp of systemd units to include. Units must both match include and not match exclude "
       "to be included."},
      {"unit-exclude", kSystemdDefaultUnitExclude,
       "Regexp of systemd units to exclude. Units must both match include and not match exclude "
       "to be included."},
  };
  return *options;
}

absl::StatusOr<SourcePtr> MakeSystemdSourceWithClient(const SourceContext& ctx,
                                                      std::unique_ptr<SystemdClient> client) {
  HM_ASSIGN_OR_RETURN(std::unique_ptr<RE2> include,
                      Pattern(ctx, "unit-include", kSystemdDefaultUnitInclude));
  HM_ASSIGN_OR_RETURN(std::unique_ptr<RE2> exclude,
                      Pattern(ctx, "unit-exclude", kSystemdDefaultUnitExclude));
  return std::make_unique<SystemdSource>(std::move(client), std::move(include), std::move(exclude));
}

absl::StatusOr<SourcePtr> MakeSystemdSource(const SourceContext& ctx) {
  return MakeSystemdSourceWithClient(ctx, MakeSdBusSystemdClient());
}

}  // namespace hostmon::agent
