// SPDX-License-Identifier: Apache-2.0
#include "common/host_identity.h"

#include "absl/strings/str_cat.h"
#include "common/exposition.h"

namespace hostmon::common {
namespace {

bool HasControlChars(absl::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  }
  return false;
}

}  // namespace

absl::Status ValidateHostName(absl::string_view name) {
  if (name.empty() || name.size() > 253 || !IsValidUtf8(name) || HasControlChars(name)) {
    return absl::InvalidArgumentError("must be 1..253 bytes of UTF-8 without control characters");
  }
  return absl::OkStatus();
}

absl::Status ValidateStaticLabel(absl::string_view name, absl::string_view value,
                                 size_t max_value_bytes) {
  if (!IsValidLabelName(name)) {
    return absl::InvalidArgumentError(absl::StrCat("label name \"", name, "\" is not valid"));
  }
  if (name == "instance") {
    return absl::InvalidArgumentError(
        "label \"instance\" is the host name and cannot be a static label (the agent sets it "
        "with --hostname)");
  }
  if (!IsValidUtf8(value)) {
    return absl::InvalidArgumentError(absl::StrCat("label \"", name, "\": value is not UTF-8"));
  }
  if (value.size() > max_value_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("label \"", name, "\": value is longer than ", max_value_bytes, " bytes"));
  }
  return absl::OkStatus();
}

}  // namespace hostmon::common
