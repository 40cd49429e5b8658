// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/sysctl/sysctl_source.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "agent/sources/common/sysfs_value.h"
#include "agent/sources/sysctl/sysctl_parser.h"
#include "common/exposition_text.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kInfo{"node_sysctl_info", kGauge, "sysctl info"};

// One include / include-info entry with the family names and help texts its series use, built
// once (MetricDesc only views them).
struct Sysctl {
  SysctlSpec spec;
  bool numeric = true;
  std::string path;
  std::string family;                                      // node_sysctl_<name>
  std::string help;                                        // "sysctl <name>"
  std::vector<std::pair<std::string, std::string>> keyed;  // node_sysctl_<name>_<key>, help
};

absl::StatusOr<Sysctl> MakeSysctl(const SourceContext& ctx, absl::string_view option,
                                  absl::string_view entry, bool numeric) {
  absl::StatusOr<SysctlSpec> spec = ParseSysctlSpec(entry);
  if (!spec.ok()) return ctx.OptionError(option, spec.status().message());
  Sysctl s;
  s.spec = *std::move(spec);
  s.numeric = numeric;
  s.path = ctx.fs->Proc(absl::StrCat("sys/", SysctlPath(s.spec.name)));
  s.family = absl::StrCat("node_sysctl_", SanitizeSysctlName(s.spec.name));
  s.help = absl::StrCat("sysctl ", s.spec.name);
  for (size_t i = 0; i < s.spec.keys.size(); ++i) {
    s.keyed.emplace_back(absl::StrCat(s.family, "_", s.spec.keys[i]),
                         absl::StrCat("sysctl ", s.spec.name, ", field ", i));
  }
  // node_exporter panics on an invalid name; here it is a configuration error.
  if (numeric && !common::IsValidMetricName(s.family)) {
    return ctx.OptionError(option, absl::StrCat("\"", entry, "\": invalid metric name ", s.family));
  }
  for (const auto& [family, help] : s.keyed) {
    if (!common::IsValidMetricName(family)) {
      return ctx.OptionError(option, absl::StrCat("\"", entry, "\": invalid metric name ", family));
    }
  }
  return s;
}

class SysctlSource : public Source {
 public:
  explicit SysctlSource(std::vector<Sysctl> sysctls) : sysctls_(std::move(sysctls)) {}

  absl::Status Collect(SampleWriter& out) override {
    for (const Sysctl& s : sysctls_) HM_RETURN_IF_ERROR(CollectOne(s, out));
    return absl::OkStatus();
  }

 private:
  absl::Status CollectOne(const Sysctl& s, SampleWriter& out) {
    if (absl::Status read = common::ReadFileTo(s.path, &text_); !read.ok()) {
      // Asked for by name, so a missing sysctl (a module not loaded) is worth a warning, not the
      // debug line of a subsystem the host lacks.
      if (absl::IsNotFound(read)) {
        return absl::FailedPreconditionError(
            absl::StrCat("sysctl ", s.spec.name, ": ", read.message()));
      }
      return read;
    }
    SplitSysctlValues(text_, &values_);
    const size_t n = values_.size();
    if (n == 0) return Error(s, "has no values");
    if (n == 1 && !s.spec.keys.empty()) {
      return Error(
          s, absl::StrCat("has only one value, but ", s.spec.keys.size(), " keys are defined"));
    }
    if (n > 1 && !s.spec.keys.empty()) {
      if (!s.numeric)
        return Error(s, "has several values: keys are only for include, not include-info");
      if (n != s.spec.keys.size()) {
        return Error(
            s, absl::StrCat("has ", n, " values but ", s.spec.keys.size(), " keys are defined"));
      }
    }
    if (s.numeric) {
      numbers_.resize(n);
      for (size_t i = 0; i < n; ++i) {
        if (absl::Status p = ParseGoInt64(values_[i], &numbers_[i]); !p.ok()) {
          return Error(s, absl::StrCat("value ", i, " \"", values_[i], "\": ", p.message()));
        }
      }
    }
    while (indexes_.size() < n) indexes_.push_back(absl::StrCat(indexes_.size()));
    for (size_t i = 0; i < n; ++i) {
      if (!s.numeric) {
        const LabelRef labels[] = {
            {"index", indexes_[i]}, {"name", s.spec.name}, {"value", values_[i]}};
        out.Add(kInfo, labels, 1);
      } else if (!s.spec.keys.empty()) {
        out.Add(MetricDesc{s.keyed[i].first, kUntyped, s.keyed[i].second}, {},
                static_cast<double>(numbers_[i]));
      } else if (n == 1) {
        out.Add(MetricDesc{s.family, kUntyped, s.help}, {}, static_cast<double>(numbers_[i]));
      } else {
        const LabelRef labels[] = {{"index", indexes_[i]}};
        out.Add(MetricDesc{s.family, kUntyped, s.help}, labels, static_cast<double>(numbers_[i]));
      }
    }
    return absl::OkStatus();
  }

  absl::Status Error(const Sysctl& s, absl::string_view problem) const {
    return absl::InvalidArgumentError(absl::StrCat(s.path, ": sysctl ", s.spec.name, " ", problem));
  }

  std::vector<Sysctl> sysctls_;
  std::string text_;
  std::vector<absl::string_view> values_;
  std::vector<int64_t> numbers_;
  std::vector<std::string> indexes_;  // "0", "1", ...: label values that outlive a collection
};

}  // namespace

absl::StatusOr<SourcePtr> MakeSysctlSource(const SourceContext& ctx) {
  std::vector<Sysctl> sysctls;
  for (const auto& [option, numeric] : {std::pair<const char*, bool>{"include", true},
                                        std::pair<const char*, bool>{"include-info", false}}) {
    for (const std::string& entry : ctx.Entries(option)) {
      HM_ASSIGN_OR_RETURN(Sysctl s, MakeSysctl(ctx, option, entry, numeric));
      sysctls.push_back(std::move(s));
    }
  }
  return std::make_unique<SysctlSource>(std::move(sysctls));
}

std::vector<SourceOption> SysctlOptions() {
  return {{"include", "", "Select sysctl metrics to include", /*repeatable=*/true},
          {"include-info", "", "Select sysctl metrics to include as info metrics",
           /*repeatable=*/true}};
}

}  // namespace hostmon::agent
