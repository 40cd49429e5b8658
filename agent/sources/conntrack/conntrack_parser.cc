// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/conntrack/conntrack_parser.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/text_parse.h"

namespace hostmon::agent {

absl::Status ParseConntrackValue(absl::string_view text, absl::string_view file, uint64_t* out) {
  absl::Status status = common::ParseUint64(absl::StripAsciiWhitespace(text), file, out);
  return status.ok() ? status : absl::InvalidArgumentError(status.message());
}

absl::Status ParseConntrackStat(absl::string_view text, ConntrackStat* out) {
  constexpr absl::string_view kFile = "/proc/net/stat/nf_conntrack";
  constexpr size_t kColumns = 17;
  *out = ConntrackStat{};
  absl::string_view line;
  if (!common::NextLine(&text, &line) || !absl::StartsWith(line, "entries")) {
    return absl::InvalidArgumentError(absl::StrCat(kFile, " line 1: expected the header line"));
  }
  common::Fields fields;
  size_t line_no = 1;
  while (common::NextLine(&text, &line)) {
    ++line_no;
    common::SplitFields(line, &fields);
    if (fields.empty()) continue;
    if (fields.size() < kColumns) {
      return absl::InvalidArgumentError(
          absl::StrCat(kFile, " line ", line_no, ": expected 17 columns, got ", fields.size()));
    }
    uint64_t v[kColumns];
    for (size_t i = 0; i < kColumns; ++i) {
      if (!common::ParseHexUint64(fields[i], &v[i])) {
        return absl::InvalidArgumentError(absl::StrCat(kFile, " line ", line_no, " column ", i + 1,
                                                       ": not a hex number: \"", fields[i], "\""));
      }
    }
    out->found += v[2];
    out->invalid += v[4];
    out->ignore += v[5];
    out->insert += v[8];
    out->insert_failed += v[9];
    out->drop += v[10];
    out->early_drop += v[11];
    out->search_restart += v[16];
  }
  return absl::OkStatus();
}

}  // namespace hostmon::agent
