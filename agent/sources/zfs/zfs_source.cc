// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/zfs/zfs_source.h"

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "agent/sources/zfs/zfs_parser.h"
#include "common/dir_entries.h"
#include "common/exposition_text.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

// node_exporter's file -> metric subsystem map.
struct KstatFile {
  absl::string_view file;
  absl::string_view subsystem;
};
constexpr KstatFile kKstatFiles[] = {
    {"abdstats", "zfs_abd"},
    {"arcstats", "zfs_arc"},
    {"dbufstats", "zfs_dbuf"},
    {"dmu_tx", "zfs_dmu_tx"},
    {"dnodestats", "zfs_dnode"},
    {"fm", "zfs_fm"},
    {"vdev_cache_stats", "zfs_vdev_cache"},  // gone from OpenZFS 2.2 on
    {"vdev_mirror_stats", "zfs_vdev_mirror"},
    {"xuio_stats", "zfs_xuio"},  // gone from OpenZFS 0.8 on
    {"zfetchstats", "zfs_zfetch"},
    {"zil", "zfs_zil"},
};
constexpr size_t kNumKstatFiles = sizeof(kKstatFiles) / sizeof(kKstatFiles[0]);

constexpr MetricDesc kPoolState{"node_zfs_zpool_state", kGauge, "kstat.zfs.misc.state"};

class ZfsSource : public Source {
 public:
  explicit ZfsSource(const common::FsRoot& fs) : dir_(fs.Proc("spl/kstat/zfs")) {}

  absl::Status Collect(SampleWriter& out) override {
    // One listing finds the kstat files this module version has and the pools (directories);
    // without the ZFS module it is the one failed open of the collection.
    present_.fill(false);
    num_pools_ = 0;
    HM_RETURN_IF_ERROR(common::ForEachDirEntry(dir_, [this](const common::DirEntry& e) {
      if (e.IsDirectory()) {
        if (num_pools_ == pools_.size()) pools_.emplace_back();
        pools_[num_pools_++].assign(e.name().data(), e.name().size());
        return;
      }
      for (size_t i = 0; i < kNumKstatFiles; ++i) {
        if (e.name() == kKstatFiles[i].file) present_[i] = true;
      }
    }));
    for (size_t i = 0; i < kNumKstatFiles; ++i) {
      if (present_[i]) HM_RETURN_IF_ERROR(CollectKstat(kKstatFiles[i], out));
    }
    std::sort(pools_.begin(), pools_.begin() + static_cast<std::ptrdiff_t>(num_pools_));
    for (size_t i = 0; i < num_pools_; ++i) HM_RETURN_IF_ERROR(CollectPool(pools_[i], out));
    return absl::OkStatus();
  }

 private:
  // Reads <dir>/<file> (path_) into text_; false if it vanished since the listing (a pool being
  // exported removes its kstats).
  absl::StatusOr<bool> Read(absl::string_view dir, absl::string_view file) {
    path_.assign(dir.data(), dir.size());
    absl::StrAppend(&path_, "/", file);
    absl::Status s = common::ReadFileTo(path_, &text_);
    if (absl::IsNotFound(s)) return false;
    HM_RETURN_IF_ERROR(s);
    return true;
  }

  // name_ = <prefix><statistic>, node_exporter's metric name: the statistic after its last '.'
  // with '-' as '_' ("erpt-dropped" -> erpt_dropped). False if that is still no valid metric
  // name (node_exporter would fail the scrape; here the statistic is left out).
  bool SetName(absl::string_view prefix, absl::string_view statistic) {
    const size_t dot = statistic.rfind('.');
    if (dot != absl::string_view::npos) statistic.remove_prefix(dot + 1);
    name_.assign(prefix.data(), prefix.size());
    for (const char c : statistic) name_.push_back(c == '-' ? '_' : c);
    return common::IsValidMetricName(name_);
  }

  // help_ = kstat.zfs.misc.<file>.<statistic>, node_exporter's HELP (the sysctl name of the
  // statistic on FreeBSD).
  void SetHelp(absl::string_view file, absl::string_view statistic) {
    help_.assign("kstat.zfs.misc.");
    absl::StrAppend(&help_, file, ".", statistic);
  }

  absl::Status CollectKstat(const KstatFile& f, SampleWriter& out) {
    HM_ASSIGN_OR_RETURN(bool present, Read(dir_, f.file));
    if (!present) return absl::OkStatus();
    HM_RETURN_IF_ERROR(ParseZfsKstatNamed(text_, path_, &rows_));
    prefix_.assign("node_");
    absl::StrAppend(&prefix_, f.subsystem, "_");
    for (const ZfsKstatRow& row : rows_) {
      if (row.type != kKstatUint64 && row.type != kKstatInt64) continue;
      if (!SetName(prefix_, row.name)) continue;
      SetHelp(f.file, row.name);
      out.Add(MetricDesc{name_, kUntyped, help_}, {}, row.value);
    }
    return absl::OkStatus();
  }

  absl::Status CollectPool(absl::string_view pool, SampleWriter& out) {
    pool_dir_.assign(dir_);
    absl::StrAppend(&pool_dir_, "/", pool);
    absl::Status listed = common::ListDir(pool_dir_, &pool_files_);
    if (absl::IsNotFound(listed)) return absl::OkStatus();  // exported meanwhile
    HM_RETURN_IF_ERROR(listed);
    for (const absl::string_view file : pool_files_.names) {
      if (file == "io") {
        HM_RETURN_IF_ERROR(CollectPoolIo(pool, out));
      } else if (absl::StartsWith(file, "objset-")) {
        HM_RETURN_IF_ERROR(CollectObjset(pool, file, out));
      } else if (file == "state") {
        HM_RETURN_IF_ERROR(CollectPoolState(pool, out));
      }
    }
    return absl::OkStatus();
  }

  absl::Status CollectPoolIo(absl::string_view pool, SampleWriter& out) {
    HM_ASSIGN_OR_RETURN(bool present, Read(pool_dir_, "io"));
    if (!present) return absl::OkStatus();
    HM_RETURN_IF_ERROR(ParseZfsPoolIo(text_, path_, &io_));
    const LabelRef labels[] = {{"zpool", pool}};
    for (const ZfsIoField& field : io_) {
      if (!SetName("node_zfs_zpool_", field.name)) continue;
      SetHelp("io", field.name);
      out.Add(MetricDesc{name_, kUntyped, help_}, labels, field.value);
    }
    return absl::OkStatus();
  }

  absl::Status CollectObjset(absl::string_view pool, absl::string_view file, SampleWriter& out) {
    HM_ASSIGN_OR_RETURN(bool present, Read(pool_dir_, file));
    if (!present) return absl::OkStatus();
    HM_RETURN_IF_ERROR(ParseZfsKstatNamed(text_, path_, &rows_));
    // The dataset_name row comes first; node_exporter labels the rows before it (none in
    // practice) with an empty dataset, and so does this.
    absl::string_view dataset;
    for (const ZfsKstatRow& row : rows_) {
      if (row.name == "dataset_name") {
        dataset = row.data;
        continue;
      }
      // node_exporter exports only the uint64 rows of an objset.
      if (row.type != kKstatUint64) continue;
      if (!SetName("node_zfs_zpool_dataset_", row.name)) continue;
      SetHelp("objset", row.name);
      const LabelRef labels[] = {{"dataset", dataset}, {"zpool", pool}};
      out.Add(MetricDesc{name_, kUntyped, help_}, labels, row.value);
    }
    return absl::OkStatus();
  }

  absl::Status CollectPoolState(absl::string_view pool, SampleWriter& out) {
    HM_ASSIGN_OR_RETURN(bool present, Read(pool_dir_, "state"));
    if (!present) return absl::OkStatus();
    for (const absl::string_view state : kZfsPoolStates) {
      const LabelRef labels[] = {{"state", state}, {"zpool", pool}};
      out.Add(kPoolState, labels, ZfsPoolStateIs(text_, state) ? 1 : 0);
    }
    return absl::OkStatus();
  }

  std::string dir_;
  // Reused from one collection to the next: no allocation in steady state.
  std::array<bool, kNumKstatFiles> present_{};  // per kKstatFiles entry: listed in dir_
  std::vector<std::string> pools_;              // the first num_pools_ are this collection's pools
  size_t num_pools_ = 0;
  common::DirListing pool_files_;
  std::string pool_dir_;
  std::string path_;
  std::string text_;
  std::vector<ZfsKstatRow> rows_;
  std::vector<ZfsIoField> io_;
  std::string prefix_;
  std::string name_;
  std::string help_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeZfsSource(const SourceContext& ctx) {
  return std::make_unique<ZfsSource>(*ctx.fs);
}

}  // namespace hostmon::agent
