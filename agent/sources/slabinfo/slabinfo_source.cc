// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/slabinfo/slabinfo_source.h"

#include <string>

#include "agent/sources/common/device_filter.h"
#include "agent/sources/slabinfo/slabinfo_parser.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kActive{"node_slabinfo_active_objects", kGauge,
                             "The number of objects that are currently active (i.e., in use)."};
constexpr MetricDesc kObjects{
    "node_slabinfo_objects", kGauge,
    "The total number of allocated objects (i.e., objects that are both in use and not in use)."};
constexpr MetricDesc kObjectSize{"node_slabinfo_object_size_bytes", kGauge,
                                 "The size of objects in this slab, in bytes."};
constexpr MetricDesc kPerSlab{"node_slabinfo_objects_per_slab", kGauge,
                              "The number of objects stored in each slab."};
constexpr MetricDesc kPages{"node_slabinfo_pages_per_slab", kGauge,
                            "The number of pages allocated for each slab."};

class SlabinfoSource : public Source {
 public:
  SlabinfoSource(const common::FsRoot& fs, DeviceFilter filter)
      : path_(fs.Proc("slabinfo")), filter_(std::move(filter)) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ReadFileTo(path_, &text_));
    return ParseSlabinfo(text_, path_, [this, &out](const SlabEntry& e) {
      if (!filter_.Keep(e.name)) return;
      const LabelRef labels[] = {{"slab", e.name}};
      out.Add(kActive, labels, static_cast<double>(e.active_objects));
      out.Add(kObjects, labels, static_cast<double>(e.objects));
      out.Add(kObjectSize, labels, static_cast<double>(e.object_size));
      out.Add(kPerSlab, labels, static_cast<double>(e.objects_per_slab));
      out.Add(kPages, labels, static_cast<double>(e.pages_per_slab));
    });
  }

 private:
  std::string path_;
  DeviceFilter filter_;
  std::string text_;
};

}  // namespace

std::vector<SourceOption> SlabinfoOptions() {
  return {{"slabs-include", "", "Regexp of slabs to include in slabinfo collector."},
          {"slabs-exclude", "", "Regexp of slabs to exclude in slabinfo collector."}};
}

absl::StatusOr<SourcePtr> MakeSlabinfoSource(const SourceContext& ctx) {
  HM_ASSIGN_OR_RETURN(DeviceFilter filter,
                      DeviceFilter::Make(ctx, "slabs-include", "slabs-exclude"));
  return std::make_unique<SlabinfoSource>(*ctx.fs, std::move(filter));
}

}  // namespace hostmon::agent
