// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/common/device_filter.h"

#include "absl/strings/str_cat.h"

namespace hostmon::agent {
namespace {

absl::StatusOr<std::shared_ptr<const RE2>> Compile(absl::string_view source,
                                                   absl::string_view option,
                                                   const std::string& pattern) {
  if (pattern.empty()) return nullptr;
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_shared<const RE2>(pattern, options);
  if (!re->ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--source.", source, ".", option, ": invalid regex \"", pattern, "\": ", re->error()));
  }
  return re;
}

}  // namespace

absl::StatusOr<DeviceFilter> DeviceFilter::Make(absl::string_view source,
                                                absl::string_view include_option,
                                                const std::string& include,
                                                absl::string_view exclude_option,
                                                const std::string& exclude) {
  if (!include.empty() && !exclude.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("--source.", source, ".", include_option,
                                                   " and --source.", source, ".", exclude_option,
                                                   " are mutually exclusive"));
  }
  DeviceFilter filter;
  auto inc = Compile(source, include_option, include);
  if (!inc.ok()) return inc.status();
  auto exc = Compile(source, exclude_option, exclude);
  if (!exc.ok()) return exc.status();
  filter.include_ = *std::move(inc);
  filter.exclude_ = *std::move(exc);
  return filter;
}

}  // namespace hostmon::agent
