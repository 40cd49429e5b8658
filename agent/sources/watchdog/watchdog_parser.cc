// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/watchdog/watchdog_parser.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "agent/sources/common/sysfs_value.h"

namespace hostmon::agent {

absl::Status ParseWatchdogNumber(absl::string_view file_text, absl::string_view file,
                                 int64_t* out) {
  const absl::string_view text = SysfsAttributeText(file_text);
  absl::Status s = ParseGoInt64(text, out);
  if (s.ok()) return s;
  return absl::InvalidArgumentError(
      absl::StrCat(file, ": ", s.message(), ": \"", absl::CEscape(text.substr(0, 40)), "\""));
}

}  // namespace hostmon::agent
