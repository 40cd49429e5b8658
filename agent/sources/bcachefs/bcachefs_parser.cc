// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/bcachefs/bcachefs_parser.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

// The row whose key `matches`, or a new one at the end: a repeated key replaces the earlier
// value as in procfs' maps. Files hold tens of rows, so a linear search is cheapest.
template <typename Row, typename Matches>
Row& RowFor(std::vector<Row>* rows, Matches matches) {
  for (Row& row : *rows) {
    if (matches(row)) return row;
  }
  return rows->emplace_back();
}

// A human-readable size inside a line: the error names the file and line.
absl::Status ParseSizeField(absl::string_view field, absl::string_view file, size_t line_no,
                            absl::string_view line, uint64_t* out) {
  absl::Status s = ParseBcachefsHumanBytes(field, "size", out);
  if (!s.ok()) return common::LineError(file, line_no, line, s.message());
  return s;
}

absl::Status ParseUintField(absl::string_view field, absl::string_view what, absl::string_view file,
                            size_t line_no, absl::string_view line, uint64_t* out) {
  absl::Status s = common::ParseUint64(field, what, out);
  if (!s.ok()) return common::LineError(file, line_no, line, s.message());
  return s;
}

// "<key>: <value>" rows of io_done and io_errors: key and value trimmed; false without ':'.
bool SplitKeyValue(absl::string_view row, absl::string_view* key, absl::string_view* value) {
  const size_t colon = row.find(':');
  if (colon == absl::string_view::npos) return false;
  *key = absl::StripAsciiWhitespace(row.substr(0, colon));
  *value = absl::StripAsciiWhitespace(row.substr(colon + 1));
  return true;
}

// The rows of compression_stats, errors and btree_write_stats: lines split into fields, the
// first `header_lines` lines and rows of fewer than `min_fields` fields skipped, as procfs does.
class TableRows {
 public:
  TableRows(absl::string_view text, absl::string_view file, size_t header_lines, size_t min_fields)
      : text_(text), file_(file), header_lines_(header_lines), min_fields_(min_fields) {}

  // Advances to the next row; false at the end of the text.
  bool Next() {
    while (common::NextLine(&text_, &line_)) {
      if (++line_no_ <= header_lines_) continue;
      common::SplitFields(line_, &fields_);
      if (fields_.size() >= min_fields_) return true;
    }
    return false;
  }
  const common::Fields& fields() const { return fields_; }
  // Field i as a human-readable size or an unsigned integer; errors name the file and line.
  absl::Status Size(size_t i, uint64_t* out) const {
    return ParseSizeField(fields_[i], file_, line_no_, line_, out);
  }
  absl::Status Uint(size_t i, absl::string_view what, uint64_t* out) const {
    return ParseUintField(fields_[i], what, file_, line_no_, line_, out);
  }

 private:
  absl::string_view text_;
  const absl::string_view file_;
  const size_t header_lines_;
  const size_t min_fields_;
  size_t line_no_ = 0;
  absl::string_view line_;
  common::Fields fields_;
};

}  // namespace

absl::Status ParseBcachefsHumanBytes(absl::string_view text, absl::string_view what,
                                     uint64_t* out) {
  const auto bad = [&](absl::string_view problem) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": ", problem, ": \"", absl::CEscape(text.substr(0, 40)), "\""));
  };
  absl::string_view number = absl::StripAsciiWhitespace(text);
  if (number.empty()) return bad("empty size");
  double unit = 1;
  switch (number.back()) {
    case 'k':
    case 'K':
      unit = 0x1p10;
      break;
    case 'm':
    case 'M':
      unit = 0x1p20;
      break;
    case 'g':
    case 'G':
      unit = 0x1p30;
      break;
    case 't':
    case 'T':
      unit = 0x1p40;
      break;
    case 'p':
    case 'P':
      unit = 0x1p50;
      break;
    case 'e':
    case 'E':
      unit = 0x1p60;
      break;
    default:
      break;
  }
  if (unit != 1) number = absl::StripAsciiWhitespace(number.substr(0, number.size() - 1));
  // Go's ParseFloat takes a leading '+'; common::ParseDouble does not.
  if (absl::StartsWith(number, "+")) number.remove_prefix(1);
  double value = 0;
  if (!common::ParseDouble(number, what, &value).ok()) return bad("not a size");
  const double product = value * unit;
  // Go converts with uint64(product): truncation, defined for (-1, 2^64) only.
  if (!(product > -1) || product >= 0x1p64) return bad("size out of range");
  *out = product <= 0 ? 0 : static_cast<uint64_t>(product);
  return absl::OkStatus();
}

absl::Status ParseBcachefsCompressionStats(absl::string_view text, absl::string_view file,
                                           std::vector<BcachefsCompressionRow>* out) {
  out->clear();
  // After the header "typetype compressed uncompressed average extent size".
  TableRows rows(text, file, /*header_lines=*/1, /*min_fields=*/3);
  while (rows.Next()) {
    BcachefsCompressionRow row;
    row.algorithm = absl::StripSuffix(rows.fields()[0], ":");
    absl::Status s = rows.Size(1, &row.compressed);
    if (s.ok()) s = rows.Size(2, &row.uncompressed);
    uint64_t average_extent = 0;  // read (and checked) as procfs does, not exported
    if (s.ok() && rows.fields().size() >= 4) s = rows.Size(3, &average_extent);
    if (!s.ok()) return s;
    RowFor(out, [&](const BcachefsCompressionRow& r) { return r.algorithm == row.algorithm; }) =
        row;
  }
  return absl::OkStatus();
}

absl::Status ParseBcachefsErrors(absl::string_view text, absl::string_view file,
                                 std::vector<BcachefsErrorRow>* out) {
  out->clear();
  TableRows rows(text, file, /*header_lines=*/0, /*min_fields=*/2);
  while (rows.Next()) {
    BcachefsErrorRow row;
    row.type = rows.fields()[0];
    absl::Status s = rows.Uint(1, "count", &row.count);
    uint64_t timestamp = 0;  // checked as procfs does, not exported
    if (s.ok() && rows.fields().size() >= 3) s = rows.Uint(2, "timestamp", &timestamp);
    if (!s.ok()) return s;
    RowFor(out, [&](const BcachefsErrorRow& r) { return r.type == row.type; }) = row;
  }
  return absl::OkStatus();
}

absl::Status ParseBcachefsCounter(absl::string_view text, absl::string_view file,
                                  uint64_t* since_creation) {
  *since_creation = 0;
  bool seen = false;
  size_t line_no = 0;
  absl::string_view line;
  while (common::NextLine(&text, &line)) {
    ++line_no;
    absl::string_view value = line;
    uint64_t* target = nullptr;
    uint64_t since_mount = 0;  // checked as procfs does, not exported
    if (absl::ConsumePrefix(&value, "since mount:")) {
      target = &since_mount;
    } else if (absl::ConsumePrefix(&value, "since filesystem creation:")) {
      target = since_creation;
    } else {
      continue;
    }
    absl::Status s = ParseSizeField(value, file, line_no, line, target);
    if (!s.ok()) return s;
    seen = true;
  }
  if (!seen) {
    return absl::InvalidArgumentError(absl::StrCat(
        file, ": counter file format not recognized (no \"since filesystem creation:\" line)"));
  }
  return absl::OkStatus();
}

absl::Status ParseBcachefsBtreeWriteStats(absl::string_view text, absl::string_view file,
                                          std::vector<BcachefsBtreeWriteRow>* out) {
  out->clear();
  TableRows rows(text, file, /*header_lines=*/1, /*min_fields=*/3);  // after "nr size"
  while (rows.Next()) {
    BcachefsBtreeWriteRow row;
    row.type = absl::StripSuffix(rows.fields()[0], ":");
    absl::Status s = rows.Uint(1, "count", &row.count);
    if (s.ok()) s = rows.Size(2, &row.average_size);
    if (!s.ok()) return s;
    RowFor(out, [&](const BcachefsBtreeWriteRow& r) { return r.type == row.type; }) = row;
  }
  return absl::OkStatus();
}

absl::Status ParseBcachefsIoDone(absl::string_view text, absl::string_view file,
                                 std::vector<BcachefsIoDoneRow>* out) {
  out->clear();
  absl::string_view operation;
  size_t line_no = 0;
  absl::string_view line;
  while (common::NextLine(&text, &line)) {
    ++line_no;
    const absl::string_view row_text = absl::StripAsciiWhitespace(line);
    if (row_text.empty()) continue;
    if (row_text == "read:" || row_text == "write:") {
      operation = row_text.substr(0, row_text.size() - 1);
      continue;
    }
    if (operation.empty()) continue;
    BcachefsIoDoneRow row;
    row.operation = operation;
    absl::string_view value;
    if (!SplitKeyValue(row_text, &row.data_type, &value)) continue;
    absl::Status s = ParseUintField(value, row.data_type, file, line_no, line, &row.bytes);
    if (!s.ok()) return s;
    RowFor(out, [&](const BcachefsIoDoneRow& r) {
      return r.operation == row.operation && r.data_type == row.data_type;
    }) = row;
  }
  return absl::OkStatus();
}

absl::Status ParseBcachefsIoErrors(absl::string_view text, absl::string_view file,
                                   std::vector<BcachefsIoErrorRow>* out) {
  out->clear();
  bool in_section = false;
  size_t line_no = 0;
  absl::string_view line;
  while (common::NextLine(&text, &line)) {
    ++line_no;
    if (absl::StartsWith(line, "IO errors since filesystem creation")) {
      in_section = true;
      continue;
    }
    // The next section counts since an age ("IO errors since 8 y ago"): not exported.
    if (absl::StartsWith(line, "IO errors since ")) break;
    if (!in_section) continue;
    const absl::string_view row_text = absl::StripAsciiWhitespace(line);
    if (row_text.empty()) continue;
    BcachefsIoErrorRow row;
    absl::string_view value;
    if (!SplitKeyValue(row_text, &row.type, &value)) continue;
    absl::Status s = ParseUintField(value, row.type, file, line_no, line, &row.count);
    if (!s.ok()) return s;
    RowFor(out, [&](const BcachefsIoErrorRow& r) { return r.type == row.type; }) = row;
  }
  return absl::OkStatus();
}

}  // namespace hostmon::agent
