// SPDX-License-Identifier: Apache-2.0
#include "common/text_parse.h"

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace hostmon::common {

absl::Status LineError(absl::string_view file, size_t line_no, absl::string_view line,
                       absl::string_view problem) {
  constexpr size_t kMaxQuoted = 80;
  const absl::string_view shown = line.substr(0, kMaxQuoted);
  return absl::InvalidArgumentError(
      absl::StrCat(file, " line ", line_no, " (\"", absl::CEscape(shown),
                   shown.size() < line.size() ? "..." : "", "\"): ", problem));
}

bool NextLine(absl::string_view* text, absl::string_view* line) {
  if (text->empty()) return false;
  const size_t newline = text->find('\n');
  *line = text->substr(0, newline);
  text->remove_prefix(newline == absl::string_view::npos ? text->size() : newline + 1);
  return true;
}

void SplitFields(absl::string_view line, Fields* out) {
  out->clear();
  for (absl::string_view f = NextField(&line); !f.empty(); f = NextField(&line)) {
    out->push_back(f);
  }
}

absl::string_view NextField(absl::string_view* rest) {
  size_t i = 0;
  const size_t n = rest->size();
  while (i < n && ((*rest)[i] == ' ' || (*rest)[i] == '\t')) ++i;
  size_t end = i;
  while (end < n && (*rest)[end] != ' ' && (*rest)[end] != '\t') ++end;
  const absl::string_view field = rest->substr(i, end - i);
  rest->remove_prefix(end);
  return field;
}

absl::Status ParseUint64(absl::string_view text, absl::string_view what, uint64_t* out) {
  // SimpleAtoi accepts a leading '+' and surrounding whitespace; kernel counters never have
  // either, so anything but digits means the file is not what we think it is.
  if (text.empty() || text.size() > 20) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": not an unsigned integer: \"", text, "\""));
  }
  for (char c : text) {
    if (c < '0' || c > '9') {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": not an unsigned integer: \"", text, "\""));
    }
  }
  if (!absl::SimpleAtoi(text, out)) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": integer out of range: \"", text, "\""));
  }
  return absl::OkStatus();
}

absl::Status ParseInt64(absl::string_view text, absl::string_view what, int64_t* out) {
  absl::string_view digits = text;
  if (!digits.empty() && digits[0] == '-') digits.remove_prefix(1);
  uint64_t ignored;
  if (!ParseUint64(digits, what, &ignored).ok() || !absl::SimpleAtoi(text, out)) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": not an integer: \"", text, "\""));
  }
  return absl::OkStatus();
}

bool ParseHexUint64(absl::string_view text, uint64_t* out) {
  // absl's hex parse is strict about junk and range but accepts a sign; the kernel never prints
  // one.
  return !text.empty() && text[0] != '-' && text[0] != '+' && absl::SimpleHexAtoi(text, out);
}

absl::Status ParseDouble(absl::string_view text, absl::string_view what, double* out) {
  // SimpleAtod skips surrounding whitespace and accepts '+'; kernel and BMC numbers have neither,
  // so either means the text is not what the parser thinks it is.
  auto edge_ok = [](char c) {
    return c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\v' && c != '\f';
  };
  double value;
  if (text.empty() || !edge_ok(text.front()) || !edge_ok(text.back()) || text.front() == '+' ||
      !absl::SimpleAtod(text, &value)) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": not a number: \"", text, "\""));
  }
  *out = value;
  return absl::OkStatus();
}

absl::Status ParseUint64File(absl::string_view text, absl::string_view file, uint64_t* out) {
  absl::string_view line;
  Fields fields;
  if (NextLine(&text, &line)) SplitFields(line, &fields);
  if (fields.size() != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(file, ": expected one number, got ", fields.size(), " fields"));
  }
  absl::Status status = ParseUint64(fields[0], "value", out);
  if (!status.ok()) return absl::InvalidArgumentError(absl::StrCat(file, ": ", status.message()));
  return absl::OkStatus();
}

}  // namespace hostmon::common
