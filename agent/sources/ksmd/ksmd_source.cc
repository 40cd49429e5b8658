// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/ksmd/ksmd_source.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

struct KsmFile {
  absl::string_view file;
  MetricDesc desc;
  double scale;  // sleep_millisecs is exported in seconds
};

// node_exporter 1.12's collector/ksmd_linux.go (help texts from the kernel's ksm.rst, verbatim).
constexpr KsmFile kFiles[] = {
    {"full_scans",
     {"node_ksmd_full_scans_total", kCounter,
      "How many times all mergeable areas have been scanned."},
     1},
    {"general_profit",
     {"node_ksmd_general_profit_bytes", kGauge,
      "How effective is KSM. ksm_saved_pages * sizeof(page) - (all_rmap_items) * "
      "sizeof(rmap_item)"},
     1},
    {"merge_across_nodes",
     {"node_ksmd_merge_across_nodes", kGauge,
      "Specifies if pages from different NUMA nodes can be merged."},
     1},
    {"pages_shared",
     {"node_ksmd_pages_shared", kGauge, "How many shared pages are being used."},
     1},
    {"pages_sharing",
     {"node_ksmd_pages_sharing", kGauge,
      "How many more sites are sharing them i.e. how much saved."},
     1},
    {"pages_to_scan",
     {"node_ksmd_pages_to_scan", kGauge, "How many pages to scan before ksmd goes to sleep."},
     1},
    {"pages_unshared",
     {"node_ksmd_pages_unshared", kGauge,
      "How many pages unique but repeatedly checked for merging."},
     1},
    {"pages_volatile",
     {"node_ksmd_pages_volatile", kGauge,
      "How many pages changing too fast to be placed in a tree."},
     1},
    {"run", {"node_ksmd_run", kGauge, "The status of ksmd. stopped = 0, running = 1"}, 1},
    {"sleep_millisecs",
     {"node_ksmd_sleep_seconds", kGauge, "How many seconds ksmd should sleep before next scan."},
     0.001},
};

class KsmdSource : public Source {
 public:
  explicit KsmdSource(const common::FsRoot& fs) : dir_(fs.Sys("kernel/mm/ksm")) {}

  absl::Status Collect(SampleWriter& out) override {
    size_t found = 0;
    for (const KsmFile& f : kFiles) {
      path_.assign(dir_);
      absl::StrAppend(&path_, "/", f.file);
      absl::Status s = common::ReadFileTo(path_, &text_);
      if (absl::IsNotFound(s)) continue;  // older kernels lack general_profit, pages_volatile...
      HM_RETURN_IF_ERROR(s);
      // general_profit is a signed long (negative while KSM costs more than it saves), the
      // others are unsigned; every one is a single decimal.
      int64_t value = 0;
      HM_RETURN_IF_ERROR(common::ParseInt64(absl::StripAsciiWhitespace(text_), path_, &value));
      out.Add(f.desc, {}, static_cast<double>(value) * f.scale);
      ++found;
    }
    if (found == 0) return absl::NotFoundError(absl::StrCat(dir_, ": no KSM attribute"));
    return absl::OkStatus();
  }

 private:
  std::string dir_;
  std::string path_;
  std::string text_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeKsmdSource(const SourceContext& ctx) {
  return std::make_unique<KsmdSource>(*ctx.fs);
}

}  // namespace hostmon::agent
