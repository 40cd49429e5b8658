// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/fibrechannel/fibrechannel_source.h"

#include <algorithm>
#include <limits>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "agent/sources/common/sysfs_value.h"
#include "common/dir_entries.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kInfo{"node_fibrechannel_info", kGauge,
                           "Non-numeric data from /sys/class/fc_host/<host>, value is always 1."};

// The info series' attribute files, in label order (sorted, with fc_host inserted); the *_name and
// port_id values lose their "0x" as node_exporter's procfs strips it.
struct InfoAttribute {
  absl::string_view file;
  bool strip_0x;
};
constexpr InfoAttribute kInfoFiles[] = {
    {"dev_loss_tmo", false}, {"fabric_name", true},        {"port_id", true},
    {"port_name", true},     {"port_state", false},        {"port_type", false},
    {"speed", false},        {"supported_classes", false}, {"supported_speeds", false},
    {"symbolic_name", false}};
constexpr size_t kNumInfo = sizeof(kInfoFiles) / sizeof(kInfoFiles[0]);

struct Counter {
  absl::string_view file;  // in statistics/
  MetricDesc desc;
};
// node_exporter 1.12's collector/fibrechannel_linux.go, help texts verbatim.
constexpr Counter kCounters[] = {
    {"dumped_frames",
     {"node_fibrechannel_dumped_frames_total", kCounter, "Number of dumped frames"}},
    {"error_frames",
     {"node_fibrechannel_error_frames_total", kCounter, "Number of errors in frames"}},
    {"invalid_crc_count",
     {"node_fibrechannel_invalid_crc_total", kCounter, "Invalid Cyclic Redundancy Check count"}},
    {"rx_frames", {"node_fibrechannel_rx_frames_total", kCounter, "Number of frames received"}},
    {"rx_words",
     {"node_fibrechannel_rx_words_total", kCounter, "Number of words received by host port"}},
    {"tx_frames",
     {"node_fibrechannel_tx_frames_total", kCounter, "Number of frames transmitted by host port"}},
    {"tx_words",
     {"node_fibrechannel_tx_words_total", kCounter, "Number of words transmitted by host port"}},
    {"seconds_since_last_reset",
     {"node_fibrechannel_seconds_since_last_reset_total", kCounter,
      "Number of seconds since last host port reset"}},
    {"invalid_tx_word_count",
     {"node_fibrechannel_invalid_tx_words_total", kCounter,
      "Number of invalid words transmitted by host port"}},
    {"link_failure_count",
     {"node_fibrechannel_link_failure_total", kCounter,
      "Number of times the host port link has failed"}},
    {"loss_of_sync_count",
     {"node_fibrechannel_loss_of_sync_total", kCounter,
      "Number of failures on either bit or transmission word boundaries"}},
    {"loss_of_signal_count",
     {"node_fibrechannel_loss_of_signal_total", kCounter, "Number of times signal has been lost"}},
    {"nos_count",
     {"node_fibrechannel_nos_total", kCounter,
      "Number Not_Operational Primitive Sequence received by host port"}},
    {"fcp_packet_aborts",
     {"node_fibrechannel_fcp_packet_aborts_total", kCounter, "Number of aborted packets"}},
};

class FibrechannelSource : public Source {
 public:
  explicit FibrechannelSource(const common::FsRoot& fs) : dir_(fs.Sys("class/fc_host")) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ListDir(dir_, &hosts_));
    for (const absl::string_view host : hosts_.names) {
      // Which attributes exist: two listings instead of a failed open (whose error status
      // allocates) per attribute the driver lacks.
      path_.assign(dir_);
      absl::StrAppend(&path_, "/", host);
      HM_RETURN_IF_ERROR(common::ListDir(path_, &files_));
      absl::StrAppend(&path_, "/statistics");
      absl::Status listed = common::ListDir(path_, &stat_files_);
      if (absl::IsNotFound(listed)) {
        stat_files_.names.clear();  // a disabled host has no statistics
      } else {
        HM_RETURN_IF_ERROR(listed);
      }
      absl::string_view info[kNumInfo];
      for (size_t i = 0; i < kNumInfo; ++i) {
        HM_ASSIGN_OR_RETURN(bool present, Read(host, "", kInfoFiles[i].file, &info_text_[i]));
        // sysfs attributes as node_exporter reads them: at most 128 bytes, trimmed.
        info[i] = present ? SysfsAttributeText(info_text_[i]) : absl::string_view();
        if (kInfoFiles[i].strip_0x && info[i].size() > 2) info[i].remove_prefix(2);
      }
      const LabelRef labels[] = {
          {"dev_loss_tmo", info[0]},     {"fabric_name", info[1]},  {"fc_host", host},
          {"port_id", info[2]},          {"port_name", info[3]},    {"port_state", info[4]},
          {"port_type", info[5]},        {"speed", info[6]},        {"supported_classes", info[7]},
          {"supported_speeds", info[8]}, {"symbolic_name", info[9]}};
      out.Add(kInfo, labels, 1);
      // A port whose state is unknown (or not reported) has no usable statistics: zeros.
      const bool unknown = info_text_[4].empty() || info[4] == "Unknown";
      const LabelRef host_label[] = {{"fc_host", host}};
      for (const Counter& c : kCounters) {
        uint64_t v = 0;
        if (!unknown) {
          HM_ASSIGN_OR_RETURN(bool present, Read(host, "statistics/", c.file, &text_));
          if (!present) continue;
          int64_t parsed = 0;
          const absl::string_view value = SysfsAttributeText(text_);
          // "0x1a" as the kernel prints them; "0xffffffffffffffff" (not implemented by the
          // firmware) does not fit an int64 and is left out, as node_exporter does.
          if (value == "0xffffffffffffffff") continue;
          absl::Status s = ParseGoInt64(value, &parsed);
          if (!s.ok()) {
            return absl::InvalidArgumentError(absl::StrCat(path_, ": ", s.message()));
          }
          v = static_cast<uint64_t>(parsed);
        }
        out.Add(c.desc, host_label, static_cast<double>(v));
      }
    }
    return absl::OkStatus();
  }

 private:
  // Reads <dir>/<host>/<sub><file>; false if absent.
  absl::StatusOr<bool> Read(absl::string_view host, absl::string_view sub, absl::string_view file,
                            std::string* text) {
    const common::DirListing& listing = sub.empty() ? files_ : stat_files_;
    if (!std::binary_search(listing.names.begin(), listing.names.end(), file)) {
      text->clear();
      return false;
    }
    path_.assign(dir_);
    absl::StrAppend(&path_, "/", host, "/", sub, file);
    absl::Status s = common::ReadFileTo(path_, text);
    if (absl::IsNotFound(s)) {
      text->clear();
      return false;
    }
    HM_RETURN_IF_ERROR(s);
    return true;
  }

  std::string dir_;
  common::DirListing hosts_;               // reused: no allocation in steady state
  common::DirListing files_, stat_files_;  // of the host being read; sorted
  std::string path_;
  std::string text_;
  std::string info_text_[kNumInfo];
};

}  // namespace

absl::StatusOr<SourcePtr> MakeFibrechannelSource(const SourceContext& ctx) {
  return std::make_unique<FibrechannelSource>(*ctx.fs);
}

}  // namespace hostmon::agent
