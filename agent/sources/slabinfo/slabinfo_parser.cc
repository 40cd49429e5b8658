// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/slabinfo/slabinfo_parser.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/text_parse.h"

namespace hostmon::agent {

absl::Status ParseSlabinfo(absl::string_view text, absl::string_view file,
                           absl::FunctionRef<void(const SlabEntry&)> fn) {
  absl::string_view line;
  if (!common::NextLine(&text, &line) ||
      absl::StripAsciiWhitespace(line) != "slabinfo - version: 2.1") {
    return absl::InvalidArgumentError(
        absl::StrCat(file, ": not slabinfo version 2.1 (first line \"", line.substr(0, 40), "\")"));
  }
  common::Fields fields;
  size_t line_no = 1;
  while (common::NextLine(&text, &line)) {
    ++line_no;
    common::SplitFields(line, &fields);
    if (fields.empty() || fields[0][0] == '#') continue;
    // name, 5 numbers, ":", "tunables", 3 numbers, ":", "slabdata", 3 numbers
    if (fields.size() != 16 || fields[6] != ":" || fields[7] != "tunables" || fields[11] != ":" ||
        fields[12] != "slabdata") {
      return common::LineError(
          file, line_no, line,
          absl::StrCat("expected the 16 fields of a 2.1 cache line, got ", fields.size()));
    }
    SlabEntry e;
    e.name = fields[0];
    int64_t* const dest[] = {&e.active_objects, &e.objects, &e.object_size, &e.objects_per_slab,
                             &e.pages_per_slab};
    for (size_t i = 0; i < 5; ++i) {
      absl::Status s = common::ParseInt64(fields[1 + i], e.name, dest[i]);
      if (!s.ok()) return common::LineError(file, line_no, line, s.message());
    }
    fn(e);
  }
  return absl::OkStatus();
}

}  // namespace hostmon::agent
