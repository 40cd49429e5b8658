// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/edac/edac_parser.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "common/text_parse.h"

namespace hostmon::agent {

absl::Status ParseEdacCount(absl::string_view text, absl::string_view file, uint64_t* out) {
  return common::ParseUint64(absl::StripAsciiWhitespace(text), file, out);
}

bool EdacIndex(absl::string_view entry, absl::string_view prefix, absl::string_view* index) {
  if (!absl::StartsWith(entry, prefix) || entry.size() == prefix.size() ||
      !absl::ascii_isdigit(entry[prefix.size()])) {
    return false;
  }
  size_t end = prefix.size();
  while (end < entry.size() && absl::ascii_isdigit(entry[end])) ++end;
  *index = entry.substr(prefix.size(), end - prefix.size());
  return true;
}

bool EdacChannel(absl::string_view file, absl::string_view* channel) {
  constexpr absl::string_view kSuffix = "_ce_count";
  if (!absl::StartsWith(file, "ch") || !absl::EndsWith(file, kSuffix)) return false;
  // The leftmost "ch<digits>_ce_count", as Go's unanchored FindStringSubmatch.
  for (size_t at = file.find("ch"); at != absl::string_view::npos; at = file.find("ch", at + 1)) {
    size_t end = at + 2;
    while (end < file.size() && absl::ascii_isdigit(file[end])) ++end;
    if (end > at + 2 && file.substr(end, kSuffix.size()) == kSuffix) {
      *channel = file.substr(at + 2, end - at - 2);
      return true;
    }
  }
  return false;
}

namespace {

// Replaces every `from` in *text by `to`, left to right (Go's strings.ReplaceAll).
void ReplaceAllInPlace(std::string* text, absl::string_view from, absl::string_view to) {
  for (size_t at = text->find(from.data(), 0, from.size()); at != std::string::npos;
       at = text->find(from.data(), at + to.size(), from.size())) {
    text->replace(at, from.size(), to.data(), to.size());
  }
}

}  // namespace

void CleanEdacDimmLabel(absl::string_view raw, std::string* out) {
  out->clear();
  for (char c : absl::StripAsciiWhitespace(raw)) {
    if (c != '#') out->push_back(c);
  }
  ReplaceAllInPlace(out, "csrow", "_csrow");
  ReplaceAllInPlace(out, "channel", "_channel");
}

}  // namespace hostmon::agent
