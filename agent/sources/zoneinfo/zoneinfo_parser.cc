// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/zoneinfo/zoneinfo_parser.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

// Go's strconv.ParseInt(s, 0, 64): sign, then decimal, 0x hex, 0o/leading-0 octal or 0b binary.
bool ParseGoInt(absl::string_view s, int64_t* out) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  int base = 10;
  if (s.size() > 1 && s[0] == '0') {
    const char p = absl::ascii_tolower(s[1]);
    base = p == 'x' ? 16 : p == 'b' ? 2 : 8;
    s.remove_prefix(p == 'x' || p == 'b' || p == 'o' ? 2 : 1);
  }
  if (s.empty()) return false;
  uint64_t v = 0;
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  for (const char c : s) {
    const int d = c >= '0' && c <= '9'   ? c - '0'
                  : c >= 'a' && c <= 'z' ? c - 'a' + 10
                  : c >= 'A' && c <= 'Z' ? c - 'A' + 10
                                         : 99;
    if (d >= base) return false;
    if (v > (limit - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base)) return false;
    v = v * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
  }
  *out = negative ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
  return true;
}

// "Node 0, zone      DMA" (the "Node" may have been consumed by the block split): node and zone.
bool ParseNodeZone(absl::string_view line, absl::string_view* node, absl::string_view* zone) {
  line = absl::StripLeadingAsciiWhitespace(line);
  absl::ConsumePrefix(&line, "Node");
  line = absl::StripLeadingAsciiWhitespace(line);
  const size_t comma = line.find(',');
  if (comma == absl::string_view::npos || comma == 0) return false;
  const absl::string_view n = line.substr(0, comma);
  for (const char c : n) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  absl::string_view rest = absl::StripLeadingAsciiWhitespace(line.substr(comma + 1));
  if (!absl::ConsumePrefix(&rest, "zone")) return false;
  rest = absl::StripAsciiWhitespace(rest);
  if (rest.empty()) return false;
  for (const char c : rest) {
    if (!(absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  *node = n;
  *zone = rest;
  return true;
}

// "protection: (0, 2877, 7826)" -> the integers; false unless every entry is one.
bool ParseProtection(absl::string_view line, ZoneStats* z) {
  const size_t colon = line.find(':');
  absl::string_view list = absl::StripAsciiWhitespace(line.substr(colon + 1));
  absl::ConsumePrefix(&list, "(");
  absl::ConsumeSuffix(&list, ")");
  size_t n = 0;
  while (true) {
    const size_t sep = list.find(", ");
    const absl::string_view item = list.substr(0, sep);
    int64_t v = 0;
    if (n == kMaxZoneProtection || !ParseGoInt(item, &v)) return false;
    z->protection[n++] = v;
    if (sep == absl::string_view::npos) break;
    list.remove_prefix(sep + 2);
  }
  z->protection_count = n;
  return true;
}

}  // namespace

absl::Status ParseZoneinfo(absl::string_view text, absl::string_view file,
                           absl::FunctionRef<void(const ZoneStats&)> fn) {
  if (text.empty()) return absl::InvalidArgumentError(absl::StrCat(file, ": input is empty"));
  // Blocks start at each "\nNode", as procfs splits the file.
  while (!text.empty()) {
    const size_t next = text.find("\nNode");
    absl::string_view block = text.substr(0, next);
    text = next == absl::string_view::npos ? absl::string_view() : text.substr(next + 5);
    ZoneStats z;
    absl::string_view line;
    while (common::NextLine(&block, &line)) {
      absl::string_view node, zone;
      if (ParseNodeZone(line, &node, &zone)) {
        z.node = node;
        z.zone = zone;
        continue;
      }
      const absl::string_view trimmed = absl::StripAsciiWhitespace(line);
      const size_t space = trimmed.find_first_of(" \t");
      if (space == absl::string_view::npos) continue;  // fewer than two fields
      const absl::string_view key = trimmed.substr(0, space);
      if (key == "protection:") {
        z.protection_count = 0;
        if (!ParseProtection(trimmed, &z)) z.protection_count = 0;
        continue;
      }
      for (size_t i = 0; i < kNumZoneinfoKeys; ++i) {
        if (kZoneinfoKeys[i] != key) continue;
        absl::string_view value = absl::StripLeadingAsciiWhitespace(trimmed.substr(space));
        value = value.substr(0, value.find_first_of(" \t"));
        int64_t v = 0;
        z.present[i] = ParseGoInt(value, &v);
        z.values[i] = v;
        break;
      }
    }
    fn(z);
  }
  return absl::OkStatus();
}

}  // namespace hostmon::agent
