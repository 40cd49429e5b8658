// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/zoneinfo/zoneinfo_source.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "agent/sources/zoneinfo/zoneinfo_parser.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

// node_exporter 1.12's collector/zoneinfo_linux.go, in kZoneinfoKeys' order, help verbatim.
constexpr MetricDesc kDescs[] = {
    {"node_zoneinfo_nr_free_pages", kGauge, "Total number of free pages in the zone"},
    {"node_zoneinfo_min_pages", kGauge, "Zone watermark pages_min"},
    {"node_zoneinfo_low_pages", kGauge, "Zone watermark pages_low"},
    {"node_zoneinfo_high_pages", kGauge, "Zone watermark pages_high"},
    {"node_zoneinfo_scanned_pages", kGauge, "Pages scanned since last reclaim"},
    {"node_zoneinfo_spanned_pages", kGauge, "Total pages spanned by the zone, including holes"},
    {"node_zoneinfo_present_pages", kGauge, "Physical pages existing within the zone"},
    {"node_zoneinfo_managed_pages", kGauge, "Present pages managed by the buddy system"},
    {"node_zoneinfo_nr_active_anon_pages", kGauge, "Number of anonymous pages recently more used"},
    {"node_zoneinfo_nr_inactive_anon_pages", kGauge,
     "Number of anonymous pages recently less used"},
    {"node_zoneinfo_nr_isolated_anon_pages", kGauge, "Temporary isolated pages from anon lru"},
    {"node_zoneinfo_nr_anon_pages", kGauge,
     "Number of anonymous pages currently used by the system"},
    {"node_zoneinfo_nr_anon_transparent_hugepages", kGauge,
     "Number of anonymous transparent huge pages currently used by the system"},
    {"node_zoneinfo_nr_active_file_pages", kGauge, "Number of active pages with file-backing"},
    {"node_zoneinfo_nr_inactive_file_pages", kGauge, "Number of inactive pages with file-backing"},
    {"node_zoneinfo_nr_isolated_file_pages", kGauge, "Temporary isolated pages from file lru"},
    {"node_zoneinfo_nr_file_pages", kGauge, "Number of file pages"},
    {"node_zoneinfo_nr_slab_reclaimable_pages", kGauge, "Number of reclaimable slab pages"},
    {"node_zoneinfo_nr_slab_unreclaimable_pages", kGauge, "Number of unreclaimable slab pages"},
    {"node_zoneinfo_nr_mlock_stack_pages", kGauge, "mlock()ed pages found and moved off LRU"},
    {"node_zoneinfo_nr_kernel_stacks", kGauge, "Number of kernel stacks"},
    {"node_zoneinfo_nr_mapped_pages", kGauge, "Number of mapped pages"},
    {"node_zoneinfo_nr_dirty_pages", kGauge, "Number of dirty pages"},
    {"node_zoneinfo_nr_writeback_pages", kGauge, "Number of writeback pages"},
    {"node_zoneinfo_nr_unevictable_pages", kGauge, "Number of unevictable pages"},
    {"node_zoneinfo_nr_shmem_pages", kGauge, "Number of shmem pages (included tmpfs/GEM pages)"},
    {"node_zoneinfo_nr_dirtied_total", kCounter, "Page dirtyings since bootup"},
    {"node_zoneinfo_nr_written_total", kCounter, "Page writings since bootup"},
    {"node_zoneinfo_numa_hit_total", kCounter, "Allocated in intended node"},
    {"node_zoneinfo_numa_miss_total", kCounter, "Allocated in non intended node"},
    {"node_zoneinfo_numa_foreign_total", kCounter, "Was intended here, hit elsewhere"},
    {"node_zoneinfo_numa_interleave_total", kCounter, "Interleaver preferred this zone"},
    {"node_zoneinfo_numa_local_total", kCounter, "Allocation from local node"},
    {"node_zoneinfo_numa_other_total", kCounter, "Allocation from other node"},
};
static_assert(sizeof(kDescs) / sizeof(kDescs[0]) == kNumZoneinfoKeys, "one metric per key");

class ZoneinfoSource : public Source {
 public:
  explicit ZoneinfoSource(const common::FsRoot& fs) : path_(fs.Proc("zoneinfo")) {
    for (size_t i = 0; i < kMaxZoneProtection; ++i) {
      protection_names_[i] = absl::StrCat("node_zoneinfo_protection_", i);
      protection_help_[i] = absl::StrCat("Protection array ", i, ". field");
    }
  }

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ReadFileTo(path_, &text_));
    return ParseZoneinfo(text_, path_, [&](const ZoneStats& z) {
      const LabelRef labels[] = {{"node", z.node}, {"zone", z.zone}};
      for (size_t i = 0; i < kNumZoneinfoKeys; ++i) {
        if (z.present[i]) out.Add(kDescs[i], labels, static_cast<double>(z.values[i]));
      }
      for (size_t i = 0; i < z.protection_count; ++i) {
        out.Add(MetricDesc{protection_names_[i], kGauge, protection_help_[i]}, labels,
                static_cast<double>(z.protection[i]));
      }
    });
  }

 private:
  std::string path_;
  std::string text_;
  std::string protection_names_[kMaxZoneProtection];
  std::string protection_help_[kMaxZoneProtection];
};

}  // namespace

absl::StatusOr<SourcePtr> MakeZoneinfoSource(const SourceContext& ctx) {
  return std::make_unique<ZoneinfoSource>(*ctx.fs);
}

}  // namespace hostmon::agent
