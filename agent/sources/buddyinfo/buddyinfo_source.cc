// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/buddyinfo/buddyinfo_source.h"

#include <charconv>
#include <string>

#include "agent/sources/buddyinfo/buddyinfo_parser.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kBlocks{"node_buddyinfo_blocks", kGauge,
                             "Count of free blocks according to size."};

class BuddyinfoSource : public Source {
 public:
  explicit BuddyinfoSource(const common::FsRoot& fs) : path_(fs.Proc("buddyinfo")) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ReadFileTo(path_, &text_));
    return ParseBuddyinfo(
        text_, path_,
        [&out](absl::string_view node, absl::string_view zone, size_t order, uint64_t v) {
          char buf[24];
          const char* end = std::to_chars(buf, buf + sizeof(buf), order).ptr;
          const LabelRef labels[] = {
              {"node", node}, {"size", absl::string_view(buf, end - buf)}, {"zone", zone}};
          out.Add(kBlocks, labels, static_cast<double>(v));
        });
  }

 private:
  std::string path_;
  std::string text_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeBuddyinfoSource(const SourceContext& ctx) {
  return std::make_unique<BuddyinfoSource>(*ctx.fs);
}

}  // namespace hostmon::agent
