// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/lnstat/lnstat_parser.h"

#include "absl/strings/str_cat.h"
#include "common/text_parse.h"

namespace hostmon::agent {

absl::Status ParseLnstat(absl::string_view text, absl::string_view file,
                         absl::FunctionRef<void(absl::string_view, size_t, uint64_t)> fn) {
  absl::string_view line;
  if (!common::NextLine(&text, &line)) {
    return absl::InvalidArgumentError(absl::StrCat(file, ": input is empty"));
  }
  common::Fields headers;
  common::SplitFields(line, &headers);
  common::Fields fields;
  size_t line_no = 1;
  size_t cpu = 0;
  while (common::NextLine(&text, &line)) {
    ++line_no;
    common::SplitFields(line, &fields);
    if (fields.empty()) continue;
    if (fields.size() > headers.size()) {
      return common::LineError(
          file, line_no, line,
          absl::StrCat(fields.size(), " counters for ", headers.size(), " field names"));
    }
    for (size_t i = 0; i < fields.size(); ++i) {
      uint64_t v = 0;
      if (!common::ParseHexUint64(fields[i], &v)) {
        return common::LineError(
            file, line_no, line,
            absl::StrCat(headers[i], ": not a hexadecimal counter: \"", fields[i], "\""));
      }
      fn(headers[i], cpu, v);
    }
    ++cpu;
  }
  return absl::OkStatus();
}

}  // namespace hostmon::agent
