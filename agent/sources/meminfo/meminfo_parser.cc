// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/meminfo/meminfo_parser.h"

#include <cstddef>
#include <cstdint>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

constexpr absl::string_view kFile = "/proc/meminfo";

// Quotes the offending line so that an operator can see exactly what the kernel wrote.
absl::Status LineError(size_t line_no, absl::string_view line, absl::string_view problem) {
  return common::LineError(kFile, line_no, line, problem);
}

bool IsBlank(absl::string_view text) {
  for (char c : text) {
    if (c != ' ' && c != '\t') return false;
  }
  return true;
}

absl::Status ParseLine(absl::string_view line, size_t line_no, common::Fields* fields,
                       MeminfoField* out) {
  const size_t colon = line.find(':');
  if (colon == absl::string_view::npos) return LineError(line_no, line, "expected ':'");
  out->name = line.substr(0, colon);
  if (out->name.empty()) return LineError(line_no, line, "empty field name");
  if (out->name.find_first_of(" \t") != absl::string_view::npos) {
    return LineError(line_no, line, "field name contains a blank");
  }

  common::SplitFields(line.substr(colon + 1), fields);
  if (fields->empty()) return LineError(line_no, line, "expected a value after ':'");
  if (fields->size() > 2) {
    return LineError(line_no, line,
                     absl::StrCat("unexpected text after the unit: \"", (*fields)[2], "\""));
  }
  uint64_t number;
  absl::Status status = common::ParseUint64((*fields)[0], out->name, &number);
  if (!status.ok()) return LineError(line_no, line, status.message());
  out->has_unit = fields->size() == 2;
  out->value = static_cast<double>(number);
  if (out->has_unit) {
    // The kernel has only ever printed "kB" (meaning KiB); anything else means we would
    // misreport by orders of magnitude, so refuse rather than guess.
    if ((*fields)[1] != "kB") {
      return LineError(line_no, line,
                       absl::StrCat("unknown unit \"", (*fields)[1], "\", expected \"kB\""));
    }
    out->value *= 1024;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ParseMeminfo(absl::string_view text, std::vector<MeminfoField>* out) {
  out->clear();
  common::Fields fields;
  size_t line_no = 0;
  absl::string_view line;
  while (common::NextLine(&text, &line)) {
    ++line_no;
    if (IsBlank(line)) continue;
    absl::Status status = ParseLine(line, line_no, &fields, &out->emplace_back());
    if (!status.ok()) return status;
  }
  if (out->empty()) {
    return absl::InvalidArgumentError(absl::StrCat(kFile, ": no fields in input"));
  }
  return absl::OkStatus();
}

void MeminfoMetricName(const MeminfoField& field, std::string* out) {
  out->clear();
  absl::StrAppend(out, "node_memory_");
  // Same match as Go's `\((.*)\)`: leftmost '(' and, greedily, the last ')' after it.
  const absl::string_view name = field.name;
  const size_t open = name.find('(');
  const size_t close = open == absl::string_view::npos ? open : name.rfind(')');
  if (close != absl::string_view::npos && close > open) {
    absl::StrAppend(out, name.substr(0, open), "_", name.substr(open + 1, close - open - 1),
                    name.substr(close + 1));
  } else {
    absl::StrAppend(out, name);
  }
  if (field.has_unit) absl::StrAppend(out, "_bytes");
}

}  // namespace hostmon::agent
