// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/common/device_filter.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace hostmon::agent {

absl::StatusOr<DeviceFilter> DeviceFilter::Make(const SourceContext& ctx,
                                                absl::string_view include_option,
                                                absl::string_view exclude_option,
                                                absl::string_view default_exclude) {
  DeviceFilter filter;
  HM_ASSIGN_OR_RETURN(filter.include_, ctx.Regex(include_option));
  HM_ASSIGN_OR_RETURN(filter.exclude_, ctx.Regex(exclude_option));
  if (filter.include_ != nullptr && filter.exclude_ != nullptr) {
    if (default_exclude.empty() || ctx.Option(exclude_option) != default_exclude) {
      return ctx.OptionError(include_option,
                             absl::StrCat("mutually exclusive with \"", exclude_option, "\""));
    }
    filter.exclude_ = nullptr;
  }
  return filter;
}

}  // namespace hostmon::agent
