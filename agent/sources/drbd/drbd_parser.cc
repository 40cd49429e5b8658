// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/drbd/drbd_parser.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

// "<minor>" of a "<minor>:" word: decimal digits only, as Go's strconv.ParseUint(s, 10, 64).
// Without building an error, since most words that end in a colon are not one.
bool ParseMinor(absl::string_view key, uint64_t* minor) {
  if (key.empty()) return false;
  for (char c : key) {
    if (c < '0' || c > '9') return false;
  }
  return absl::SimpleAtoi(key, minor);
}

}  // namespace

absl::Status ParseDrbd(absl::string_view text, absl::string_view file,
                       std::vector<DrbdDevice>* devices) {
  devices->clear();
  // The device the words belong to; created on first use, so that a file without devices
  // (DRBD 9, or only the version header) yields none.
  auto current = [devices]() -> DrbdDevice& {
    if (devices->empty()) devices->emplace_back();
    return devices->back();
  };
  absl::string_view line;
  size_t line_no = 0;
  while (common::NextLine(&text, &line)) {
    ++line_no;
    absl::string_view rest = line;
    for (absl::string_view word = common::NextField(&rest); !word.empty();
         word = common::NextField(&rest)) {
      const size_t colon = word.find(':');
      if (colon == absl::string_view::npos ||
          word.find(':', colon + 1) != absl::string_view::npos) {
        continue;  // not a key:value pair ("C", "r-----", "(api:1/proto:86-101)")
      }
      const absl::string_view key = word.substr(0, colon);
      const absl::string_view value = word.substr(colon + 1);
      uint64_t minor;
      if (value.empty() && ParseMinor(key, &minor)) {
        DrbdDevice& d = devices->emplace_back();
        d.has_minor = true;
        d.minor = minor;
        continue;
      }
      size_t i = 0;
      while (i < kDrbdNumericCount && kDrbdNumericKeys[i] != key) ++i;
      if (i < kDrbdNumericCount) {
        double v;
        const absl::Status s = common::ParseDouble(value, key, &v);
        if (!s.ok()) return common::LineError(file, line_no, line, s.message());
        DrbdDevice& d = current();
        d.has_value[i] = true;
        d.value[i] = v;
      } else if (key == "ro" || key == "ds") {
        const size_t slash = value.find('/');
        if (slash == absl::string_view::npos) {
          return common::LineError(
              file, line_no, line,
              absl::StrCat(key, ": expected <local>/<remote>, got \"", value, "\""));
        }
        DrbdDevice& d = current();
        DrbdPair& p = key == "ro" ? d.roles : d.disk_states;
        p.present = true;
        p.local = value.substr(0, slash);
        p.remote = value.substr(slash + 1);
        p.remote = p.remote.substr(0, p.remote.find('/'));  // a third part is ignored
      } else if (key == "cs") {
        DrbdDevice& d = current();
        d.has_connection_state = true;
        d.connection_state = value;
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace hostmon::agent
