// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/mdadm/mdadm_parser.h"

#include <regex>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

int64_t Count(absl::string_view text, absl::string_view what) {
  int64_t n = 0;
  for (size_t at = text.find(what); at != absl::string_view::npos;
       at = text.find(what, at + what.size())) {
    ++n;
  }
  return n;
}

absl::Status DeviceError(absl::string_view name, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat("/proc/mdstat device ", name, ": ", problem));
}

absl::string_view Group(const std::cmatch& m, int i) {
  return absl::string_view(m[i].first, static_cast<size_t>(m[i].length()));
}

// procfs' evalStatusLine.
absl::Status ParseStatus(absl::string_view header, absl::string_view status, MdDevice* d) {
  common::Fields fields;
  common::SplitFields(status, &fields);
  if (fields.empty()) return DeviceError(d->name, "empty status line");
  absl::Status s = common::ParseInt64(fields[0], "blocks", &d->blocks_total);
  if (!s.ok()) return DeviceError(d->name, s.message());

  if (absl::StrContains(header, "raid0") || absl::StrContains(header, "linear")) {
    // Only member disks carry a "[n]" on the header line.
    d->disks_total = d->disks_active = Count(header, "[");
    return absl::OkStatus();
  }
  if (absl::StrContains(header, "inactive")) return absl::OkStatus();

  // Same pattern as procfs: the greedy ".*" takes the last "[n/m] [U_]" on the line.
  static const std::regex* const kStatusRe =
      new std::regex(R"((\d+) blocks .*\[(\d+)/(\d+)\] \[([U_]+)\])");
  std::cmatch m;
  if (!std::regex_search(status.data(), status.data() + status.size(), m, *kStatusRe)) {
    return DeviceError(d->name, absl::StrCat("no \"[n/m] [U_]\" in status line \"",
                                             absl::StripAsciiWhitespace(status), "\""));
  }
  s = common::ParseInt64(Group(m, 2), "total disks", &d->disks_total);
  if (s.ok()) s = common::ParseInt64(Group(m, 3), "active disks", &d->disks_active);
  if (!s.ok()) return DeviceError(d->name, s.message());
  return absl::OkStatus();
}

// procfs' evalRecoveryLine: the first "(done/total)".
absl::Status ParseSyncedBlocks(absl::string_view line, MdDevice* d) {
  static const std::regex* const kBlocksRe = new std::regex(R"(\((\d+)/\d+\))");
  std::cmatch m;
  if (!std::regex_search(line.data(), line.data() + line.size(), m, *kBlocksRe)) {
    return DeviceError(d->name, absl::StrCat("no \"(done/total)\" in sync line \"",
                                             absl::StripAsciiWhitespace(line), "\""));
  }
  absl::Status s = common::ParseInt64(Group(m, 1), "synced blocks", &d->blocks_synced);
  if (!s.ok()) return DeviceError(d->name, s.message());
  return absl::OkStatus();
}

}  // namespace

absl::Status ParseMdstat(absl::string_view text, std::vector<absl::string_view>* lines,
                         std::vector<MdDevice>* out) {
  out->clear();
  lines->clear();
  // As Go's strings.Split: a trailing newline yields a final empty line.
  for (absl::string_view line : absl::StrSplit(text, '\n')) lines->push_back(line);

  common::Fields fields;
  for (size_t i = 0; i < lines->size(); ++i) {
    const absl::string_view line = (*lines)[i];
    if (absl::StripAsciiWhitespace(line).empty() || line[0] == ' ' ||
        absl::StartsWith(line, "Personalities") || absl::StartsWith(line, "unused")) {
      continue;
    }
    common::SplitFields(line, &fields);
    if (fields.size() < 3) {
      return absl::InvalidArgumentError(absl::StrCat("/proc/mdstat line ", i + 1, " (\"", line,
                                                     "\"): expected \"<name> : <state> ...\", got ",
                                                     fields.size(), " fields"));
    }
    MdDevice& d = out->emplace_back();
    d.name = fields[0];
    d.state = fields[2];
    if (lines->size() <= i + 3) return DeviceError(d.name, "too few lines (file cut short?)");
    d.disks_failed = Count(line, "(F)");
    d.disks_spare = Count(line, "(S)");
    absl::Status status = ParseStatus(line, (*lines)[i + 1], &d);
    if (!status.ok()) return status;

    const absl::string_view sync =
        (*lines)[absl::StrContains((*lines)[i + 2], "bitmap") ? i + 3 : i + 2];
    d.blocks_synced = d.blocks_total;
    const bool recovering = absl::StrContains(sync, "recovery");
    const bool resyncing = absl::StrContains(sync, "resync");
    const bool checking = absl::StrContains(sync, "check");
    if (recovering || resyncing || checking) {
      d.state = recovering ? "recovering" : checking ? "checking" : "resyncing";
      if (absl::StrContains(sync, "PENDING") || absl::StrContains(sync, "DELAYED")) {
        d.blocks_synced = 0;
      } else {
        status = ParseSyncedBlocks(sync, &d);
        if (!status.ok()) return status;
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace hostmon::agent
