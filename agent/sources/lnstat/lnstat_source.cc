// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/lnstat/lnstat_source.h"

#include <charconv>
#include <string>

#include "absl/strings/str_cat.h"
#include "agent/sources/lnstat/lnstat_parser.h"
#include "common/dir_entries.h"
#include "common/exposition_text.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

class LnstatSource : public Source {
 public:
  explicit LnstatSource(const common::FsRoot& fs) : dir_(fs.Proc("net/stat")) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ListDir(dir_, &tables_));
    for (const absl::string_view table : tables_.names) {
      path_.assign(dir_);
      absl::StrAppend(&path_, "/", table);
      HM_RETURN_IF_ERROR(common::ReadFileTo(path_, &text_));
      HM_RETURN_IF_ERROR(
          ParseLnstat(text_, path_, [&](absl::string_view field, size_t cpu, uint64_t v) {
            name_.assign("node_lnstat_");
            absl::StrAppend(&name_, field, "_total");
            if (!common::IsValidMetricName(name_)) return;
            char buf[24];
            const char* end = std::to_chars(buf, buf + sizeof(buf), cpu).ptr;
            const LabelRef labels[] = {{"cpu", absl::string_view(buf, end - buf)},
                                       {"subsystem", table}};
            out.Add(MetricDesc{name_, kCounter, "linux network cache stats"}, labels,
                    static_cast<double>(v));
          }));
    }
    return absl::OkStatus();
  }

 private:
  std::string dir_;
  common::DirListing tables_;  // reused: no allocation in steady state
  std::string path_;
  std::string text_;
  std::string name_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeLnstatSource(const SourceContext& ctx) {
  return std::make_unique<LnstatSource>(*ctx.fs);
}

}  // namespace hostmon::agent
