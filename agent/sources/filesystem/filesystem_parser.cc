// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/filesystem/filesystem_parser.h"

#include <cstddef>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

constexpr size_t kMaxQuotedChars = 80;

bool IsBlank(absl::string_view text) {
  return text.find_first_not_of(" \t") == absl::string_view::npos;
}

// node_exporter decodes only these two octal escapes (strings.Replace on "\040" then "\011").
void DecodeMountPoint(absl::string_view raw, std::string* out) {
  out->clear();
  while (!raw.empty()) {
    if (raw.size() >= 4 && raw[0] == '\\' && (raw.substr(0, 4) == "\\040")) {
      out->push_back(' ');
      raw.remove_prefix(4);
    } else if (raw.size() >= 4 && raw[0] == '\\' && (raw.substr(0, 4) == "\\011")) {
      out->push_back('\t');
      raw.remove_prefix(4);
    } else {
      out->push_back(raw[0]);
      raw.remove_prefix(1);
    }
  }
}

}  // namespace

absl::Status ParseMounts(absl::string_view text, std::vector<MountEntry>* out) {
  size_t used = 0;
  size_t line_no = 0;
  common::Fields fields;
  absl::string_view line;
  while (common::NextLine(&text, &line)) {
    ++line_no;
    if (IsBlank(line)) continue;
    common::SplitFields(line, &fields);
    if (fields.size() < 4) {
      const absl::string_view shown = line.substr(0, kMaxQuotedChars);
      return absl::InvalidArgumentError(
          absl::StrCat("mounts line ", line_no, " (\"", absl::CEscape(shown),
                       shown.size() < line.size() ? "..." : "",
                       "\"): expected at least 4 fields, got ", fields.size()));
    }
    if (used == out->size()) out->emplace_back();
    MountEntry& entry = (*out)[used++];
    entry.device = fields[0];
    DecodeMountPoint(fields[1], &entry.mount_point);
    entry.fs_type = fields[2];
    entry.options = fields[3];
  }
  out->resize(used);
  return absl::OkStatus();
}

bool MountIsReadOnly(absl::string_view options) {
  for (absl::string_view option : absl::StrSplit(options, ',')) {
    if (option == "ro") return true;
  }
  return false;
}

}  // namespace hostmon::agent
