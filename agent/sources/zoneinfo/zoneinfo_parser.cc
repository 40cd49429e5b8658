// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/zoneinfo/zoneinfo_parser.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "agent/sources/common/sysfs_value.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

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
    if (n == kMaxZoneProtection || !ParseGoInt64(item, &v).ok()) return false;
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
        z.present[i] = ParseGoInt64(value, &v).ok();
        z.values[i] = v;
        break;
      }
    }
    fn(z);
  }
  return absl::OkStatus();
}

}  // namespace hostmon::agent
