// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/bcache/bcache_parser.h"

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "agent/sources/common/sysfs_value.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

absl::Status NotANumber(absl::string_view text) {
  return absl::InvalidArgumentError(
      absl::StrCat("not a number: \"", absl::CEscape(text.substr(0, 40)), "\""));
}

// Go's strconv.ParseFloat for the texts bch_hprint prints (plain decimals; a '+' sign, which
// Go would take, is refused: the kernel never prints one).
bool ParseFloat(absl::string_view text, double* out) {
  return common::ParseDouble(text, "", out).ok();
}

// procfs' parsePseudoFloat(): "<int>[.<tenths of 1024>]"; a part after a second '.' is ignored,
// as procfs ignores it.
bool ParsePseudoFloat(absl::string_view text, double* out) {
  const size_t dot = text.find('.');
  double int_part = 0;
  if (!ParseFloat(text.substr(0, dot), &int_part)) return false;
  if (dot == absl::string_view::npos) {
    *out = int_part;
    return true;
  }
  absl::string_view frac = text.substr(dot + 1);
  frac = frac.substr(0, frac.find('.'));
  double frac_part = 0;
  if (!ParseFloat(frac, &frac_part)) return false;
  *out = int_part + frac_part / 10.24;
  return true;
}

// The multiplier of a bch_hprint suffix (drivers/md/bcache/util.c), 0 for an unknown character.
double SuffixMultiplier(char c) {
  switch (c) {
    case 'k':
      return 0x1p10;
    case 'M':
      return 0x1p20;
    case 'G':
      return 0x1p30;
    case 'T':
      return 0x1p40;
    case 'P':
      return 0x1p50;
    case 'E':
      return 0x1p60;
    case 'Z':
      return 0x1p70;
    case 'Y':
      return 0x1p80;
    default:
      return 0;
  }
}

// The last whitespace-separated field of `line` (the whole prefix when there is only one).
absl::string_view LastField(absl::string_view line) {
  absl::string_view last;
  for (absl::string_view f = common::NextField(&line); !f.empty(); f = common::NextField(&line)) {
    last = f;
  }
  return last;
}

}  // namespace

absl::Status DehumanizeBcache(absl::string_view text, uint64_t* out) {
  if (text.empty()) return absl::InvalidArgumentError("empty value");
  const char last = text.back();
  double mantissa = 0;
  double multiplier = 1;
  if (last > '9') {
    multiplier = SuffixMultiplier(last);
    if (!ParsePseudoFloat(text.substr(0, text.size() - 1), &mantissa)) return NotANumber(text);
  } else if (!ParseFloat(text, &mantissa)) {
    return NotANumber(text);
  }
  *out = GoFloat64ToUint64(mantissa * multiplier);
  return absl::OkStatus();
}

absl::Status DehumanizeBcacheSigned(absl::string_view text, int64_t* out) {
  const bool negative = absl::ConsumePrefix(&text, "-");
  uint64_t magnitude = 0;
  if (absl::Status s = DehumanizeBcache(text, &magnitude); !s.ok()) return s;
  // Go's int64(-value) of a uint64: two's complement wrap-around.
  *out = static_cast<int64_t>(negative ? uint64_t{0} - magnitude : magnitude);
  return absl::OkStatus();
}

absl::Status ParseBcacheValue(absl::string_view file_text, absl::string_view file, uint64_t* out) {
  if (file_text.empty()) return absl::InvalidArgumentError(absl::StrCat(file, ": empty file"));
  // procfs drops the last byte whatever it is (the kernel always ends the value with '\n').
  file_text.remove_suffix(1);
  absl::Status s = DehumanizeBcache(file_text, out);
  if (s.ok()) return s;
  return absl::InvalidArgumentError(absl::StrCat(file, ": ", s.message()));
}

absl::Status ParseBcacheWritebackRate(absl::string_view text, absl::string_view file,
                                      BcacheWritebackRate* out) {
  *out = BcacheWritebackRate{};
  absl::string_view line;
  for (size_t line_no = 1; common::NextLine(&text, &line); ++line_no) {
    absl::ConsumeSuffix(&line, "\r");  // as Go's bufio.ScanLines
    absl::string_view value = LastField(line);
    absl::Status s;
    if (absl::StartsWith(line, "rate:")) {
      absl::ConsumeSuffix(&value, "/sec");
      s = DehumanizeBcache(value, &out->rate);
    } else if (absl::StartsWith(line, "dirty:")) {
      s = DehumanizeBcache(value, &out->dirty);
    } else if (absl::StartsWith(line, "target:")) {
      s = DehumanizeBcache(value, &out->target);
    } else if (absl::StartsWith(line, "proportional:")) {
      s = DehumanizeBcacheSigned(value, &out->proportional);
    } else if (absl::StartsWith(line, "integral:")) {
      s = DehumanizeBcacheSigned(value, &out->integral);
    } else if (absl::StartsWith(line, "change:")) {
      absl::ConsumeSuffix(&value, "/sec");
      s = DehumanizeBcacheSigned(value, &out->change);
    } else if (absl::StartsWith(line, "next io:")) {
      absl::ConsumeSuffix(&value, "ms");
      s = common::ParseInt64(value, "next io", &out->next_io_ms);
    }
    if (!s.ok()) return common::LineError(file, line_no, line, s.message());
  }
  return absl::OkStatus();
}

absl::Status ParseBcachePriorityStats(absl::string_view text, absl::string_view file,
                                      BcachePriorityStats* out) {
  *out = BcachePriorityStats{};
  absl::string_view line;
  for (size_t line_no = 1; common::NextLine(&text, &line); ++line_no) {
    absl::ConsumeSuffix(&line, "\r");
    uint64_t* target = nullptr;
    if (absl::StartsWith(line, "Unused:")) {
      target = &out->unused_percent;
    } else if (absl::StartsWith(line, "Metadata:")) {
      target = &out->metadata_percent;
    } else {
      continue;
    }
    absl::string_view value = LastField(line);
    absl::ConsumeSuffix(&value, "%");
    absl::Status s = common::ParseUint64(value, "percentage", target);
    if (!s.ok()) return common::LineError(file, line_no, line, s.message());
  }
  return absl::OkStatus();
}

}  // namespace hostmon::agent
