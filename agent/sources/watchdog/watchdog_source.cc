// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/watchdog/watchdog_source.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "agent/sources/common/sysfs_value.h"
#include "agent/sources/watchdog/watchdog_parser.h"
#include "common/dir_entries.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

struct NumericAttribute {
  absl::string_view file;
  MetricDesc desc;
};

constexpr NumericAttribute kNumeric[] = {
    {"bootstatus",
     {"node_watchdog_bootstatus", kGauge, "Value of /sys/class/watchdog/<watchdog>/bootstatus"}},
    {"fw_version",
     {"node_watchdog_fw_version", kGauge, "Value of /sys/class/watchdog/<watchdog>/fw_version"}},
    {"nowayout",
     {"node_watchdog_nowayout", kGauge, "Value of /sys/class/watchdog/<watchdog>/nowayout"}},
    {"timeleft",
     {"node_watchdog_timeleft_seconds", kGauge,
      "Value of /sys/class/watchdog/<watchdog>/timeleft"}},
    {"timeout",
     {"node_watchdog_timeout_seconds", kGauge, "Value of /sys/class/watchdog/<watchdog>/timeout"}},
    {"pretimeout",
     {"node_watchdog_pretimeout_seconds", kGauge,
      "Value of /sys/class/watchdog/<watchdog>/pretimeout"}},
    {"access_cs0",
     {"node_watchdog_access_cs0", kGauge, "Value of /sys/class/watchdog/<watchdog>/access_cs0"}},
};

// The info series' string attributes, in label order (sorted, with `name` inserted).
constexpr absl::string_view kStringFiles[] = {"identity", "options", "pretimeout_governor", "state",
                                              "status"};
constexpr size_t kNumStrings = sizeof(kStringFiles) / sizeof(kStringFiles[0]);

constexpr MetricDesc kInfo{"node_watchdog_info", kGauge, "Info of /sys/class/watchdog/<watchdog>"};

class WatchdogSource : public Source {
 public:
  explicit WatchdogSource(const common::FsRoot& fs) : dir_(fs.Sys("class/watchdog")) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ListDir(dir_, &devices_));
    for (const absl::string_view name : devices_.names) {
      // Which attributes the driver provides: one listing instead of a failed open (and an
      // error status, which allocates) per absent file.
      path_.assign(dir_);
      absl::StrAppend(&path_, "/", name);
      HM_RETURN_IF_ERROR(common::ListDir(path_, &files_));
      const LabelRef name_label[] = {{"name", name}};
      for (const NumericAttribute& a : kNumeric) {
        HM_ASSIGN_OR_RETURN(bool present, Read(name, a.file, &text_));
        if (!present) continue;
        int64_t value = 0;
        HM_RETURN_IF_ERROR(ParseWatchdogNumber(text_, path_, &value));
        out.Add(a.desc, name_label, static_cast<double>(value));
      }
      for (size_t i = 0; i < kNumStrings; ++i) {
        HM_ASSIGN_OR_RETURN(bool present, Read(name, kStringFiles[i], &strings_[i]));
        if (!present) strings_[i].clear();
      }
      const LabelRef info[] = {{"identity", SysfsAttributeText(strings_[0])},
                               {"name", name},
                               {"options", SysfsAttributeText(strings_[1])},
                               {"pretimeout_governor", SysfsAttributeText(strings_[2])},
                               {"state", SysfsAttributeText(strings_[3])},
                               {"status", SysfsAttributeText(strings_[4])}};
      out.Add(kInfo, info, 1);
    }
    return absl::OkStatus();
  }

 private:
  // Reads <dir>/<device>/<file>; false if the driver does not provide the file (files_ lists
  // the device's directory).
  absl::StatusOr<bool> Read(absl::string_view device, absl::string_view file, std::string* text) {
    if (!std::binary_search(files_.names.begin(), files_.names.end(), file)) return false;
    path_.assign(dir_);
    absl::StrAppend(&path_, "/", device, "/", file);
    absl::Status s = common::ReadFileTo(path_, text);
    if (absl::IsNotFound(s)) return false;
    HM_RETURN_IF_ERROR(s);
    return true;
  }

  std::string dir_;
  common::DirListing devices_;  // reused: no allocation in steady state
  common::DirListing files_;    // of the device being read; sorted
  std::string path_;
  std::string text_;
  std::string strings_[kNumStrings];
};

}  // namespace

absl::StatusOr<SourcePtr> MakeWatchdogSource(const SourceContext& ctx) {
  return std::make_unique<WatchdogSource>(*ctx.fs);
}

}  // namespace hostmon::agent
