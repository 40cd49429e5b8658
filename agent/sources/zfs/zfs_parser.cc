// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/zfs/zfs_parser.h"

#include <cstdint>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/text_parse.h"

namespace hostmon::agent {

absl::Status ParseZfsKstatNamed(absl::string_view text, absl::string_view file,
                                std::vector<ZfsKstatRow>* out) {
  out->clear();
  common::Fields fields;
  bool header = false;
  size_t line_no = 0;
  absl::string_view line;
  while (common::NextLine(&text, &line)) {
    ++line_no;
    common::SplitFields(line, &fields);
    if (!header) {
      // Everything before the column header (the kstat header line) is skipped.
      header =
          fields.size() == 3 && fields[0] == "name" && fields[1] == "type" && fields[2] == "data";
      continue;
    }
    if (fields.size() < 3) continue;
    ZfsKstatRow& row = out->emplace_back();
    row.name = fields[0];
    row.type = fields[1];
    // From the third column to the end of the line: fields view `line`, so the offset is exact
    // (node_exporter searches the line for the column's text instead, which finds a dataset
    // named "data" inside "dataset_name").
    row.data = line.substr(static_cast<size_t>(fields[2].data() - line.data()));
    if (row.type == kKstatUint64) {
      uint64_t v = 0;
      absl::Status s = common::ParseUint64(fields[2], fields[0], &v);
      if (!s.ok()) return common::LineError(file, line_no, line, s.message());
      row.value = static_cast<double>(v);
    } else if (row.type == kKstatInt64) {
      int64_t v = 0;
      absl::Status s = common::ParseInt64(fields[2], fields[0], &v);
      if (!s.ok()) return common::LineError(file, line_no, line, s.message());
      row.value = static_cast<double>(v);
    }
  }
  if (!header) {
    return absl::InvalidArgumentError(
        absl::StrCat(file, ": no \"name type data\" column header (not a named kstat)"));
  }
  return absl::OkStatus();
}

absl::Status ParseZfsPoolIo(absl::string_view text, absl::string_view file,
                            std::vector<ZfsIoField>* out) {
  out->clear();
  common::Fields columns;
  common::Fields fields;
  bool header = false;
  size_t line_no = 0;
  absl::string_view line;
  while (common::NextLine(&text, &line)) {
    ++line_no;
    if (!header) {
      common::SplitFields(line, &columns);
      header = columns.size() >= 12 && columns[0] == "nread";
      continue;
    }
    common::SplitFields(line, &fields);
    if (fields.empty()) continue;
    if (fields.size() < columns.size()) {
      return common::LineError(
          file, line_no, line,
          absl::StrCat("expected ", columns.size(), " values, got ", fields.size()));
    }
    for (size_t i = 0; i < columns.size(); ++i) {
      uint64_t v = 0;
      absl::Status s = common::ParseUint64(fields[i], columns[i], &v);
      if (!s.ok()) return common::LineError(file, line_no, line, s.message());
      out->push_back(ZfsIoField{columns[i], static_cast<double>(v)});
    }
    // An io kstat has one line of values; anything after it would repeat the series.
    return absl::OkStatus();
  }
  if (!header) {
    return absl::InvalidArgumentError(
        absl::StrCat(file, ": no \"nread nwritten ...\" column header (not an io kstat)"));
  }
  return absl::InvalidArgumentError(absl::StrCat(file, ": no values after the column header"));
}

bool ZfsPoolStateIs(absl::string_view state_file_text, absl::string_view state) {
  return absl::EqualsIgnoreCase(state_file_text.substr(0, state_file_text.find('\n')), state);
}

}  // namespace hostmon::agent
