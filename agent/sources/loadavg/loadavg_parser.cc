// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/loadavg/loadavg_parser.h"

#include <cmath>
#include <cstddef>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

constexpr absl::string_view kFile = "/proc/loadavg";
constexpr size_t kMaxQuotedChars = 80;

absl::Status FileError(absl::string_view line, absl::string_view problem) {
  const absl::string_view shown = line.substr(0, kMaxQuotedChars);
  return absl::InvalidArgumentError(absl::StrCat(kFile, " (\"", absl::CEscape(shown),
                                                 shown.size() < line.size() ? "..." : "",
                                                 "\"): ", problem));
}

// ParseDouble alone would accept "nan", "inf", "-1" and "+1e3", none of which the kernel can
// print; accepting them would turn a corrupted read into a plausible-looking gauge.
bool IsPlainDecimal(absl::string_view text) {
  size_t i = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  if (i == 0) return false;
  if (i == text.size()) return true;
  if (text[i] != '.') return false;
  const size_t fraction_start = ++i;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  return i > fraction_start && i == text.size();
}

absl::Status ParseLoad(absl::string_view line, absl::string_view text, absl::string_view what,
                       double* out) {
  if (!IsPlainDecimal(text)) {
    return FileError(line, absl::StrCat(what, ": not a non-negative decimal: \"", text, "\""));
  }
  absl::Status status = common::ParseDouble(text, what, out);
  if (!status.ok()) return FileError(line, status.message());
  if (!std::isfinite(*out)) {
    return FileError(line, absl::StrCat(what, ": out of range for a double: \"",
                                        text.substr(0, kMaxQuotedChars), "\""));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ParseLoadavg(absl::string_view text, LoadAvg* out) {
  *out = LoadAvg();
  if (text.empty()) return absl::InvalidArgumentError(absl::StrCat(kFile, ": input is empty"));
  const absl::string_view line = text.substr(0, text.find('\n'));
  common::Fields fields;
  common::SplitFields(line, &fields);
  if (fields.size() < 3) {
    return FileError(
        line, absl::StrCat("expected at least 3 fields (load1 load5 load15), got ", fields.size()));
  }
  absl::Status status = ParseLoad(line, fields[0], "load1", &out->load1);
  if (status.ok()) status = ParseLoad(line, fields[1], "load5", &out->load5);
  if (status.ok()) status = ParseLoad(line, fields[2], "load15", &out->load15);
  return status;
}

}  // namespace hostmon::agent
