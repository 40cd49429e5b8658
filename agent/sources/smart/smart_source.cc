// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/smart/smart_source.h"

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "agent/sources/common/member_collisions.h"
#include "agent/sources/smart/run_process.h"
#include "agent/sources/smart/smart_parser.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "re2/re2.h"

namespace hostmon::agent {
namespace {

namespace log = common::log;
using smart::SmartDeviceSpec;

class SmartSource : public Source {
 public:
  SmartSource(std::string smartctl, std::vector<SmartDeviceSpec> devices,
              std::unique_ptr<RE2> exclude, absl::Duration device_timeout, absl::Duration budget,
              int parallel)
      : smartctl_(std::move(smartctl)),
        explicit_(std::move(devices)),
        exclude_(std::move(exclude)),
        device_timeout_(device_timeout),
        budget_(budget),
        parallel_(parallel) {}

  absl::Status Collect(SampleWriter& out) override {
    // The budget leaves a margin of the tier's timeout for parsing (SourceContext::WorkBudget),
    // so the tier does not drop a round that finished its last smartctl just in time.
    const absl::Time deadline = absl::Now() + budget_;
    std::vector<SmartDeviceSpec> devices = explicit_;
    if (devices.empty()) {
      auto scanned = Scan(deadline);
      if (!scanned.ok()) return scanned.status();
      devices = std::move(*scanned);
    }
    collisions_.Record(smart::MakeDeviceLabelsUnique(&devices));
    collisions_.Write(out);
    std::vector<const SmartDeviceSpec*> selected;
    for (const SmartDeviceSpec& d : devices) {
      if (!exclude_ || !RE2::FullMatch(d.label, *exclude_)) selected.push_back(&d);
    }
    // smartctl runs for up to `parallel` devices at once (one per device: never two for the
    // same disk); parsing and writing stay on this thread, in device order.
    std::vector<DeviceRun> runs(selected.size());
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t i; (i = next++) < selected.size();) runs[i] = RunDevice(*selected[i], deadline);
    };
    std::vector<std::thread> workers;
    for (size_t k = 1; k < std::min<size_t>(parallel_, selected.size()); ++k) {
      workers.emplace_back(work);
    }
    work();
    for (std::thread& t : workers) t.join();
    size_t failed = 0;
    std::string first_error;
    bool version_written = false;
    const size_t count = selected.size();
    for (size_t i = 0; i < count; ++i) {
      std::string err = CollectDevice(*selected[i], runs[i], out, &version_written);
      if (!err.empty()) {
        if (failed++ == 0) first_error = absl::StrCat(selected[i]->label, ": ", err);
      }
    }
    out.Add(smart::kSmartctlDevices, {}, static_cast<double>(count));
    if (failed > 0) {
      return absl::UnavailableError(
          absl::StrCat(failed, " of ", count, " devices failed; first: ", first_error));
    }
    return absl::OkStatus();
  }

 private:
  absl::StatusOr<std::vector<SmartDeviceSpec>> Scan(absl::Time deadline) {
    auto r = smart::RunProcess({smartctl_, "--json", "--scan-open"},
                               std::min(device_timeout_, deadline - absl::Now()));
    if (!r.ok()) return r.status();
    if (r->timed_out) return absl::DeadlineExceededError("smartctl --scan-open timed out");
    // Exit status 2 (a device asleep) still comes with a valid list, as smartctl_exporter notes.
    auto devices = smart::ParseScanJson(r->out);
    if (!devices.ok()) return devices.status();
    if (devices->empty()) return absl::NotFoundError("smartctl --scan-open found no devices");
    return devices;
  }

  struct DeviceRun {
    absl::Duration limit;
    absl::StatusOr<smart::ProcessResult> result = absl::UnknownError("not run");
  };

  // Runs smartctl for one device (any thread; touches no member state but constants).
  DeviceRun RunDevice(const SmartDeviceSpec& d, absl::Time deadline) const {
    static const std::vector<std::string> kArgs = {"--json",
                                                   "--info",
                                                   "--health",
                                                   "--attributes",
                                                   "--tolerance=verypermissive",
                                                   "--nocheck=standby",
                                                   "--format=brief",
                                                   "--log=error"};
    std::vector<std::string> argv{smartctl_};
    argv.insert(argv.end(), kArgs.begin(), kArgs.end());
    if (!d.type.empty()) argv.push_back("--device=" + d.type);
    argv.push_back(d.path);
    DeviceRun run;
    run.limit = std::min(device_timeout_, deadline - absl::Now());
    if (run.limit <= absl::ZeroDuration()) {
      run.result =
          absl::DeadlineExceededError("skipped: the collection's timeout budget is used up");
    } else {
      run.result = smart::RunProcess(argv, run.limit);
    }
    return run;
  }

  // Writes the device's series; returns "" or what failed.
  std::string CollectDevice(const SmartDeviceSpec& d, const DeviceRun& run, SampleWriter& out,
                            bool* version_written) {
    LabelRef device{"device", d.label};
    auto up = [&](double v) { out.Add(smart::kSmartDeviceUp, {&device, 1}, v); };
    const auto& r = run.result;
    if (!r.ok()) {
      up(0);
      return Failed(d, std::string(r.status().message()));
    }
    if (r->timed_out) {
      up(0);
      // A stable message (no measured time): failures are logged when the message changes.
      return Failed(d, run.limit < device_timeout_
                           ? "smartctl killed at the end of the collection's timeout budget"
                           : absl::StrCat("smartctl killed after device-timeout ",
                                          absl::FormatDuration(device_timeout_)));
    }
    auto report = smart::ParseSmartctlJson(r->out);
    if (!report.ok()) {
      up(0);
      std::string why = r->exited ? absl::StrCat("exit status ", r->exit_status)
                                  : absl::StrCat("killed by signal ", r->signal);
      return Failed(d, absl::StrCat(report.status().message(), " (", why, ")"));
    }
    // The process status is authoritative; the JSON copy can only be missing, not different.
    int status = r->exited ? r->exit_status : report->exit_status;
    if (!*version_written && !report->version.empty()) {
      std::vector<LabelRef> v;
      for (const auto& [k, val] : report->version) v.push_back({k, val});
      out.Add(smart::kSmartctlVersion, v, 1);
      *version_written = true;
    }
    out.Add(smart::kSmartctlExitStatus, {&device, 1}, status);
    for (int bit = 0; bit < 8; ++bit) {
      LabelRef labels[2] = {device, {"flag", smart::kExitBitNames[bit]}};
      out.Add(smart::kSmartExitStatusFlag, labels, (status >> bit) & 1);
    }
    LogStatusChange(d, status, *report);
    out.Add(smart::kSmartDeviceStandby, {&device, 1}, report->low_power ? 1 : 0);
    if (report->low_power) {
      // Asleep is healthy: report it, export no SMART values for this round (none were read).
      out.Add(smart::kSmartctlDeviceState, {&device, 1}, report->power_mode == "SLEEP" ? 2 : 1);
      up(1);
      errors_.erase(d.label);
      return "";
    }
    if (status & 0x3) {  // command line error or device open failed: nothing was read
      up(0);
      std::string msg =
          report->errors.empty() ? smart::DescribeExitStatus(status & 0x3) : report->errors.front();
      return Failed(d, msg);
    }
    std::vector<LabelRef> labels;
    for (const smart::SmartSample& s : report->samples) {
      labels.clear();
      labels.push_back(device);
      for (const auto& [k, v] : s.labels) labels.push_back({k, v});
      out.Add(*s.desc, labels, s.value);
    }
    if (!report->bad_fields.empty() && !bad_fields_logged_[d.label]) {
      log::Warn(
          "smart: fields that are not numbers were left out",
          log::Kv("device", d.label) + log::Kv("fields", absl::StrJoin(report->bad_fields, ",")));
      bad_fields_logged_[d.label] = true;
    }
    up(1);
    errors_.erase(d.label);
    return "";
  }

  std::string Failed(const SmartDeviceSpec& d, std::string err) {
    auto [it, inserted] = errors_.emplace(d.label, err);
    if (inserted || it->second != err) {
      it->second = err;
      log::Warn("smart: device failed",
                log::Kv("device", d.label) + log::Kv("path", d.path) + log::Kv("err", err));
    }
    return err;
  }

  // The decoded exit bits go to the log when they change, once per device.
  void LogStatusChange(const SmartDeviceSpec& d, int status, const smart::SmartReport& r) {
    auto it = last_status_.find(d.label);
    if (it != last_status_.end() && it->second == status) return;
    last_status_[d.label] = status;
    if (r.low_power) {
      log::Info("smart: device in low-power mode, not woken",
                log::Kv("device", d.label) + log::Kv("mode", r.power_mode));
    } else if (status & 0xF8) {
      log::Warn("smart: smartctl reports device problems",
                log::Kv("device", d.label) + log::Kv("exit_status", status) +
                    log::Kv("flags", smart::DescribeExitStatus(status)));
    } else if (status & 0x4) {
      log::Info("smart: a SMART command failed or a checksum was wrong",
                log::Kv("device", d.label) + log::Kv("exit_status", status));
    }
  }

  const std::string smartctl_;
  const std::vector<SmartDeviceSpec> explicit_;
  const std::unique_ptr<RE2> exclude_;
  const absl::Duration device_timeout_;
  const absl::Duration budget_;
  const int parallel_;
  std::map<std::string, std::string> errors_;  // device label -> last error, to log changes
  std::map<std::string, int> last_status_;
  std::map<std::string, bool> bad_fields_logged_;
  MemberCollisions collisions_{"smart"};
};

}  // namespace

const std::vector<SourceOption>& SmartOptions() {
  static const auto* options = new std::vector<SourceOption>{
      {"smartctl-path", "/usr/sbin/smartctl", "The smartctl binary (smartmontools >= 7.0)."},
      {"devices", "",
       "Devices to query instead of `smartctl --scan-open`: entries PATH or PATH:TYPE separated "
       "by ';' or spaces, e.g. \"/dev/sda;/dev/bus/0:megaraid,0\" (TYPE is smartctl's -d)."},
      {"device-exclude", "", "Regexp of `device` labels (e.g. sda, nvme0) not to query."},
      {"device-timeout", "15s", "Deadline of one smartctl run; the process is killed after it."},
      {"parallel", "4", "How many devices are queried at once (one smartctl per device)."},
      {"interval", "60s", "Slow tier: how often devices are queried (smartctl_exporter: 60s)."},
      {"timeout", "50s",
       "Slow tier: deadline of one collection over all devices; past it the series are dropped "
       "and hostmon_agent_source_success{source=\"smart\"} is 0."},
  };
  return *options;
}

absl::StatusOr<SourcePtr> MakeSmartSource(const SourceContext& ctx) {
  std::string smartctl = ctx.Option("smartctl-path");
  if (smartctl.empty()) smartctl = "/usr/sbin/smartctl";
  auto devices = smart::ParseDeviceList(ctx.Option("devices"));
  if (!devices.ok()) return ctx.OptionError("devices", devices.status().message());
  // Matched against the whole label (FullMatch).
  HM_ASSIGN_OR_RETURN(std::unique_ptr<RE2> exclude, ctx.Regex("device-exclude"));
  HM_ASSIGN_OR_RETURN(absl::Duration device_timeout, ctx.Duration("device-timeout"));
  HM_ASSIGN_OR_RETURN(int parallel, ctx.Int("parallel", 1, 64));
  // The collection's budget (agent/source.h): smartctl runs are killed when it is used up.
  const absl::Duration budget = ctx.WorkBudget();
  return std::make_unique<SmartSource>(std::move(smartctl), std::move(*devices), std::move(exclude),
                                       device_timeout, budget, parallel);
}

}  // namespace hostmon::agent
