// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/filefd/filefd_parser.h"

#include "absl/strings/str_cat.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {
constexpr absl::string_view kFile = "/proc/sys/fs/file-nr";
}  // namespace

absl::Status ParseFileNr(absl::string_view text, FileNr* out) {
  absl::string_view line;
  common::Fields fields;
  if (common::NextLine(&text, &line)) common::SplitFields(line, &fields);
  if (fields.size() < 3) {
    return absl::InvalidArgumentError(
        absl::StrCat(kFile, ": expected 3 fields, got ", fields.size()));
  }
  absl::Status status = common::ParseUint64(fields[0], "allocated", &out->allocated);
  if (status.ok()) status = common::ParseUint64(fields[2], "maximum", &out->maximum);
  if (!status.ok()) return absl::InvalidArgumentError(absl::StrCat(kFile, ": ", status.message()));
  return absl::OkStatus();
}

}  // namespace hostmon::agent
