// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/edac/edac_source.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "agent/sources/edac/edac_parser.h"
#include "common/fs_root.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kCe{"node_edac_correctable_errors_total", kCounter,
                         "Total correctable memory errors."};
constexpr MetricDesc kUe{"node_edac_uncorrectable_errors_total", kCounter,
                         "Total uncorrectable memory errors."};
constexpr MetricDesc kCsrowCe{"node_edac_csrow_correctable_errors_total", kCounter,
                              "Total correctable memory errors for this csrow."};
constexpr MetricDesc kCsrowUe{"node_edac_csrow_uncorrectable_errors_total", kCounter,
                              "Total uncorrectable memory errors for this csrow."};
constexpr MetricDesc kChannelCe{"node_edac_channel_correctable_errors_total", kCounter,
                                "Total correctable memory errors for this channel."};
constexpr MetricDesc kChannelUe{"node_edac_channel_uncorrectable_errors_total", kCounter,
                                "Total uncorrectable memory errors for this channel."};

// The channel numbers of one csrow directory ("0", "1" of ch0_ce_count, ch1_ce_count).
struct CsrowChannels {
  std::string dir;
  std::vector<std::string> channels;
  bool seen = false;  // in this collection
};

class EdacSource : public Source {
 public:
  EdacSource(const common::FsRoot& fs, std::unique_ptr<SysfsDirOps> ops)
      : mc_dir_(fs.Sys("devices/system/edac/mc")), ops_(std::move(ops)) {}

  absl::Status Collect(SampleWriter& out) override {
    for (CsrowChannels& c : channels_) c.seen = false;
    absl::Status status = CollectControllers(out);
    // Forget the channels of csrows that are gone (a controller's driver unloaded).
    channels_.erase(std::remove_if(channels_.begin(), channels_.end(),
                                   [](const CsrowChannels& c) { return !c.seen; }),
                    channels_.end());
    return status;
  }

 private:
  absl::Status CollectControllers(SampleWriter& out) {
    absl::Status status = ops_->ListDir(mc_dir_, &controllers_);
    if (!status.ok()) return status;  // NotFound: no EDAC driver loaded
    for (const absl::string_view mc : controllers_.names) {
      absl::string_view controller;
      if (!EdacIndex(mc, "mc", &controller)) continue;
      dir_.assign(mc_dir_).append("/").append(mc.data(), mc.size());
      LabelRef labels[] = {{"controller", controller}};
      LabelRef unknown[] = {{"controller", controller}, {"csrow", "unknown"}};
      uint64_t value;
      // Same order as node_exporter, which stops at the first unreadable counter.
      if (status = Read(dir_, "ce_count", &value); !status.ok()) return status;
      out.Add(kCe, labels, static_cast<double>(value));
      if (status = Read(dir_, "ce_noinfo_count", &value); !status.ok()) return status;
      out.Add(kCsrowCe, unknown, static_cast<double>(value));
      if (status = Read(dir_, "ue_count", &value); !status.ok()) return status;
      out.Add(kUe, labels, static_cast<double>(value));
      if (status = Read(dir_, "ue_noinfo_count", &value); !status.ok()) return status;
      out.Add(kCsrowUe, unknown, static_cast<double>(value));

      if (status = ops_->ListDir(dir_, &csrows_); !status.ok()) return status;
      for (const absl::string_view row : csrows_.names) {
        absl::string_view csrow;
        if (!EdacIndex(row, "csrow", &csrow)) continue;
        row_dir_.assign(dir_).append("/").append(row.data(), row.size());
        LabelRef row_labels[] = {{"controller", controller}, {"csrow", csrow}};
        if (status = Read(row_dir_, "ce_count", &value); !status.ok()) return status;
        out.Add(kCsrowCe, row_labels, static_cast<double>(value));
        if (status = Read(row_dir_, "ue_count", &value); !status.ok()) return status;
        out.Add(kCsrowUe, row_labels, static_cast<double>(value));
        if (status = CollectChannels(controller, csrow, out); !status.ok()) return status;
      }
    }
    return absl::OkStatus();
  }

  // node_exporter 1.12's per-channel counters of the csrow in row_dir_, labelled with the DIMM.
  absl::Status CollectChannels(absl::string_view controller, absl::string_view csrow,
                               SampleWriter& out) {
    const CsrowChannels* row = Channels();
    if (row == nullptr) return absl::OkStatus();
    uint64_t value;
    for (const std::string& channel : row->channels) {
      // The label is read every time: edac-ctl --register-labels may set it after boot.
      path_.assign(row_dir_).append("/ch").append(channel).append("_dimm_label");
      if (ops_->IsFile(path_) && common::ReadFileTo(path_, &text_).ok()) {
        CleanEdacDimmLabel(text_, &dimm_label_);
      } else {
        dimm_label_.assign("unknown");
      }
      LabelRef labels[] = {{"channel", channel},
                           {"controller", controller},
                           {"csrow", csrow},
                           {"dimm_label", dimm_label_}};
      file_.assign("ch").append(channel).append("_ce_count");
      if (absl::Status status = Read(row_dir_, file_, &value); !status.ok()) return status;
      out.Add(kChannelCe, labels, static_cast<double>(value));
      // A channel without its ue_count is exported without it, as node_exporter.
      file_.assign("ch").append(channel).append("_ue_count");
      path_.assign(row_dir_).append("/").append(file_);
      if (ops_->IsFile(path_) && Read(row_dir_, file_, &value).ok()) {
        out.Add(kChannelUe, labels, static_cast<double>(value));
      }
    }
    return absl::OkStatus();
  }

  // The channels of the csrow in row_dir_: listed once, the first time it is seen (the counter
  // files a csrow has are fixed by its driver; only their values change).
  const CsrowChannels* Channels() {
    for (CsrowChannels& c : channels_) {
      if (c.dir == row_dir_) {
        c.seen = true;
        return &c;
      }
    }
    if (!ops_->ListDir(row_dir_, &files_).ok()) return nullptr;
    CsrowChannels& c = channels_.emplace_back();
    c.dir = row_dir_;
    c.seen = true;
    for (const absl::string_view file : files_.names) {
      absl::string_view channel;
      if (EdacChannel(file, &channel)) c.channels.emplace_back(channel);
    }
    return &c;
  }

  absl::Status Read(const std::string& dir, absl::string_view file, uint64_t* value) {
    path_.assign(dir).append("/").append(file.data(), file.size());
    absl::Status status = common::ReadFileTo(path_, &text_);
    if (!status.ok()) return status;
    return ParseEdacCount(text_, path_, value);
  }

  const std::string mc_dir_;
  std::unique_ptr<SysfsDirOps> ops_;
  common::DirListing controllers_, csrows_, files_;
  std::string dir_, row_dir_, path_, text_, file_, dimm_label_;
  std::vector<CsrowChannels> channels_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeEdacSourceWithOps(const common::FsRoot& fs,
                                                std::unique_ptr<SysfsDirOps> ops) {
  return std::make_unique<EdacSource>(fs, std::move(ops));
}

absl::StatusOr<SourcePtr> MakeEdacSource(const SourceContext& ctx) {
  return MakeEdacSourceWithOps(*ctx.fs, RealSysfsDirOps());
}

}  // namespace hostmon::agent
