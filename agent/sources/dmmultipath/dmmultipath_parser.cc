// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/dmmultipath/dmmultipath_parser.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/text_parse.h"

namespace hostmon::agent {

absl::Status ParseDmUint(absl::string_view file_text, absl::string_view file, uint64_t* out) {
  const absl::string_view text = absl::StripAsciiWhitespace(file_text);
  absl::Status s = common::ParseUint64(text, "value", out);
  if (!s.ok()) return absl::InvalidArgumentError(absl::StrCat(file, ": ", s.message()));
  return absl::OkStatus();
}

bool IsDmPathActive(absl::string_view state) { return state == "running" || state == "live"; }

}  // namespace hostmon::agent
