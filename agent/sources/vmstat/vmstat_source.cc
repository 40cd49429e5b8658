// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/vmstat/vmstat_source.h"

#include <memory>
#include <string>
#include <vector>

#include "agent/sources/vmstat/vmstat_parser.h"
#include "common/status_macros.h"
#include "re2/re2.h"

namespace hostmon::agent {
namespace {

constexpr absl::string_view kPrefix = "node_vmstat_";

class VmstatSource : public Source {
 public:
  VmstatSource(const common::FsRoot& fs, std::unique_ptr<RE2> fields)
      : path_(fs.Proc("vmstat")), fields_(std::move(fields)) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ReadFileTo(path_, &text_));
    HM_RETURN_IF_ERROR(ParseVmstat(text_, &parsed_));
    for (const VmstatField& f : parsed_) {
      if (!RE2::PartialMatch(re2::StringPiece(f.name.data(), f.name.size()), *fields_)) continue;
      name_.assign(kPrefix.data(), kPrefix.size());
      name_.append(f.name.data(), f.name.size());
      // node_exporter's help text; the values are a mix of counters and gauges that the kernel
      // does not distinguish, hence untyped.
      help_.assign("/proc/vmstat information field ");
      help_.append(f.name.data(), f.name.size());
      help_.push_back('.');
      out.Add(MetricDesc{name_, kUntyped, help_}, {}, f.value);
    }
    return absl::OkStatus();
  }

 private:
  std::string path_;
  std::unique_ptr<RE2> fields_;
  std::string text_;
  std::vector<VmstatField> parsed_;
  std::string name_;  // reused buffers: no allocation per field in steady state
  std::string help_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeVmstatSource(const SourceContext& ctx) {
  HM_ASSIGN_OR_RETURN(std::unique_ptr<RE2> re, ctx.Regex("fields"));
  if (re == nullptr) re = std::make_unique<RE2>(kVmstatDefaultFields);  // "" means the default
  return std::make_unique<VmstatSource>(*ctx.fs, std::move(re));
}

}  // namespace hostmon::agent
