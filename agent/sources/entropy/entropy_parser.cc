// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/entropy/entropy_parser.h"

#include "absl/strings/str_cat.h"
#include "common/text_parse.h"

namespace hostmon::agent {

absl::Status ParseEntropyValue(absl::string_view text, absl::string_view file, uint64_t* out) {
  absl::string_view line;
  common::Fields fields;
  if (common::NextLine(&text, &line)) common::SplitFields(line, &fields);
  if (fields.size() != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(file, ": expected one number, got ", fields.size(), " fields"));
  }
  absl::Status status = common::ParseUint64(fields[0], "value", out);
  if (!status.ok()) return absl::InvalidArgumentError(absl::StrCat(file, ": ", status.message()));
  return absl::OkStatus();
}

}  // namespace hostmon::agent
