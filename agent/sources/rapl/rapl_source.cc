// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/rapl/rapl_source.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "agent/sources/common/metric_name.h"
#include "agent/sources/rapl/rapl_parser.h"
#include "common/fs_root.h"

namespace hostmon::agent {
namespace {

struct Zone {
  std::string name;   // as in the name file, trimmed ("package-0")
  std::string base;   // "package"
  std::string path;   // label: <sysfs>/class/powercap/<entry>
  std::string index;  // label
  double joules = 0;
};

class RaplSource : public Source {
 public:
  RaplSource(const common::FsRoot& fs, std::unique_ptr<SysfsDirOps> ops)
      : class_dir_(fs.Sys("class/powercap")), ops_(std::move(ops)) {}

  absl::Status Collect(SampleWriter& out) override {
    absl::Status status = ops_->ListDir(class_dir_, &entries_);
    if (!status.ok()) return status;  // NotFound: no powercap on this host
    size_t n = 0;
    size_t n_counts = 0;
    for (const absl::string_view entry : entries_.names) {
      dir_.assign(class_dir_).append("/").append(entry.data(), entry.size());
      path_.assign(dir_).append("/name");
      // Only zones have a name file (the control type directory "intel-rapl" has none).
      if (!ops_->IsFile(path_) || !common::ReadFileTo(path_, &text_).ok()) continue;
      if (n == zones_.size()) zones_.emplace_back();
      Zone& z = zones_[n];
      const absl::string_view name = absl::StripAsciiWhitespace(text_);
      z.name.assign(name.data(), name.size());
      absl::string_view base;
      int index;
      if (status = SplitRaplName(z.name, path_, &base, &index); !status.ok()) return status;
      z.base.assign(base.data(), base.size());
      // Names without an index ("dram" twice) are numbered by how often they were seen.
      size_t c = 0;
      while (c < n_counts && counts_[c].first != z.base) ++c;
      if (index < 0) index = c < n_counts ? counts_[c].second : 0;
      if (c == n_counts) {
        if (c == counts_.size()) counts_.emplace_back();
        counts_[c].first.assign(z.base);
        ++n_counts;
      }
      counts_[c].second = index + 1;

      path_.assign(dir_).append("/energy_uj");
      status = common::ReadFileTo(path_, &text_);
      if (!status.ok()) {
        // Linux >= 5.10 makes energy_uj root-only; node_exporter then reports no data.
        if (absl::StrContains(status.message(), "Permission denied")) {
          return absl::NotFoundError(status.message());
        }
        return status;
      }
      uint64_t microjoules;
      if (status = ParseRaplEnergy(text_, path_, &microjoules); !status.ok()) return status;
      z.joules = static_cast<double>(microjoules) / 1000000.0;
      z.path.assign(dir_);
      z.index.clear();
      absl::StrAppend(&z.index, index);
      ++n;
    }
    for (size_t i = 0; i < n; ++i) {
      const Zone& z = zones_[i];
      SanitizeMetricName(z.base, &clean_);
      name_.assign("node_rapl_").append(clean_).append("_joules_total");
      help_.assign("Current RAPL ").append(z.base).append(" value in joules");
      LabelRef labels[] = {{"index", z.index}, {"path", z.path}};
      out.Add(MetricDesc{name_, kCounter, help_}, labels, z.joules);
    }
    return absl::OkStatus();
  }

 private:
  const std::string class_dir_;
  std::unique_ptr<SysfsDirOps> ops_;
  common::DirListing entries_;
  std::string dir_, path_, text_, clean_, name_, help_;
  std::vector<Zone> zones_;
  std::vector<std::pair<std::string, int>> counts_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeRaplSourceWithOps(const common::FsRoot& fs,
                                                std::unique_ptr<SysfsDirOps> ops) {
  return std::make_unique<RaplSource>(fs, std::move(ops));
}

absl::StatusOr<SourcePtr> MakeRaplSource(const SourceContext& ctx) {
  return MakeRaplSourceWithOps(*ctx.fs, RealSysfsDirOps());
}

}  // namespace hostmon::agent
