// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/vmstat/vmstat_parser.h"

#include <cmath>
#include <cstddef>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

constexpr absl::string_view kFile = "/proc/vmstat";

absl::Status LineError(size_t line_no, absl::string_view line, absl::string_view problem) {
  return common::LineError(kFile, line_no, line, problem);
}

}  // namespace

absl::Status ParseVmstat(absl::string_view text, std::vector<VmstatField>* out) {
  out->clear();
  common::Fields fields;
  size_t line_no = 0;
  absl::string_view line;
  while (common::NextLine(&text, &line)) {
    ++line_no;
    common::SplitFields(line, &fields);
    if (fields.empty()) continue;
    if (fields.size() != 2) {
      return LineError(line_no, line, absl::StrCat("expected 2 fields, got ", fields.size()));
    }
    VmstatField& field = out->emplace_back();
    field.name = fields[0];
    // A double, as node_exporter parses it; the values are unsigned longs in practice.
    absl::Status status = common::ParseDouble(fields[1], fields[0], &field.value);
    if (!status.ok()) return LineError(line_no, line, status.message());
    // Go's ParseFloat, which node_exporter uses, rejects values out of double range.
    if (!std::isfinite(field.value)) return LineError(line_no, line, "value out of range");
  }
  return absl::OkStatus();
}

}  // namespace hostmon::agent
