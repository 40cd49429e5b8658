// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/meminfo_numa/meminfo_numa_source.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "agent/sources/meminfo_numa/meminfo_numa_parser.h"
#include "common/dir_entries.h"
#include "common/exposition_text.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

// "node12" -> true (node_exporter globs node[0-9]*).
bool IsNodeDir(absl::string_view name) {
  return absl::StartsWith(name, "node") && name.size() > 4 &&
         absl::ascii_isdigit(static_cast<unsigned char>(name[4]));
}

class MeminfoNumaSource : public Source {
 public:
  explicit MeminfoNumaSource(const common::FsRoot& fs) : dir_(fs.Sys("devices/system/node")) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ListDir(dir_, &entries_));
    for (const absl::string_view entry : entries_.names) {
      if (!IsNodeDir(entry)) continue;
      path_.assign(dir_);
      absl::StrAppend(&path_, "/", entry, "/meminfo");
      HM_RETURN_IF_ERROR(common::ReadFileTo(path_, &text_));
      HM_RETURN_IF_ERROR(ParseNodeMeminfo(
          text_, path_, [&](absl::string_view node, absl::string_view field, double v) {
            // Active(anon) -> Active_anon, as node_exporter's regexp replacement.
            name_.assign("node_memory_numa_");
            for (const char c : field) {
              if (c == '(') {
                name_.push_back('_');
              } else if (c != ')') {
                name_.push_back(c);
              }
            }
            help_.assign("Memory information field ");
            absl::StrAppend(&help_, absl::string_view(name_).substr(17), ".");
            if (!common::IsValidMetricName(name_)) return;
            const LabelRef labels[] = {{"node", node}};
            out.Add(MetricDesc{name_, kGauge, help_}, labels, v);
          }));
      path_.assign(dir_);
      absl::StrAppend(&path_, "/", entry, "/numastat");
      HM_RETURN_IF_ERROR(common::ReadFileTo(path_, &text_));
      const absl::string_view node = entry.substr(4);
      HM_RETURN_IF_ERROR(ParseNodeNumastat(text_, path_, [&](absl::string_view stat, double v) {
        name_.assign("node_memory_numa_");
        absl::StrAppend(&name_, stat, "_total");
        help_.assign("Memory information field ");
        absl::StrAppend(&help_, stat, "_total.");
        if (!common::IsValidMetricName(name_)) return;
        const LabelRef labels[] = {{"node", node}};
        out.Add(MetricDesc{name_, kCounter, help_}, labels, v);
      }));
    }
    return absl::OkStatus();
  }

 private:
  std::string dir_;
  common::DirListing entries_;  // reused: no allocation in steady state
  std::string path_;
  std::string text_;
  std::string name_;
  std::string help_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeMeminfoNumaSource(const SourceContext& ctx) {
  return std::make_unique<MeminfoNumaSource>(*ctx.fs);
}

}  // namespace hostmon::agent
