// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/mdadm/mdadm_parser.h"

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

// Length of the run of `chars` in `text` starting at `pos` (0 when pos is past the end).
size_t SpanOf(absl::string_view text, size_t pos, absl::string_view chars) {
  if (pos >= text.size()) return 0;
  const size_t end = text.find_first_not_of(chars, pos);
  return (end == absl::string_view::npos ? text.size() : end) - pos;
}

// "[<total>/<active>] [<U_>+]" starting exactly at `pos`.
bool DiskCountsAt(absl::string_view s, size_t pos, absl::string_view* total,
                  absl::string_view* active) {
  if (pos >= s.size() || s[pos] != '[') return false;
  size_t i = pos + 1;
  const size_t n1 = SpanOf(s, i, "0123456789");
  if (n1 == 0 || i + n1 >= s.size() || s[i + n1] != '/') return false;
  *total = s.substr(i, n1);
  i += n1 + 1;
  const size_t n2 = SpanOf(s, i, "0123456789");
  if (n2 == 0 || s.substr(i + n2, 3) != "] [") return false;
  *active = s.substr(i, n2);
  i += n2 + 3;
  const size_t n3 = SpanOf(s, i, "U_");
  return n3 != 0 && i + n3 < s.size() && s[i + n3] == ']';
}

// The regex `(\d+) blocks .*\[(\d+)/(\d+)\] \[([U_]+)\]` on one line: the first
// "<digits> blocks ", then the last disk-count group after it.
bool FindDiskCounts(absl::string_view s, absl::string_view* total, absl::string_view* active) {
  size_t after = absl::string_view::npos;
  for (size_t at = s.find(" blocks "); at != absl::string_view::npos;
       at = s.find(" blocks ", at + 1)) {
    if (at > 0 && absl::ascii_isdigit(static_cast<unsigned char>(s[at - 1]))) {
      after = at + 8;
      break;
    }
  }
  if (after == absl::string_view::npos) return false;
  for (size_t pos = s.size(); pos-- > after;) {
    if (DiskCountsAt(s, pos, total, active)) return true;
  }
  return false;
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

  // procfs matches `(\d+) blocks .*\[(\d+)/(\d+)\] \[([U_]+)\]`; its greedy ".*" takes the last
  // "[n/m] [U_]" after the first "<digits> blocks ". Matched by hand, without a regex: a
  // steady-state read must not allocate.
  absl::string_view total, active;
  if (!FindDiskCounts(status, &total, &active)) {
    return DeviceError(d->name, absl::StrCat("no \"[n/m] [U_]\" in status line \"",
                                             absl::StripAsciiWhitespace(status), "\""));
  }
  s = common::ParseInt64(total, "total disks", &d->disks_total);
  if (s.ok()) s = common::ParseInt64(active, "active disks", &d->disks_active);
  if (!s.ok()) return DeviceError(d->name, s.message());
  return absl::OkStatus();
}

// procfs' evalRecoveryLine: the first "(done/total)".
absl::Status ParseSyncedBlocks(absl::string_view line, MdDevice* d) {
  // procfs matches `\((\d+)/\d+\)`: the first such group.
  absl::string_view synced;
  for (size_t at = line.find('('); at != absl::string_view::npos; at = line.find('(', at + 1)) {
    const size_t digits = SpanOf(line, at + 1, "0123456789");
    if (digits == 0 || at + 1 + digits >= line.size() || line[at + 1 + digits] != '/') continue;
    const size_t after_slash = at + 2 + digits;
    const size_t digits2 = SpanOf(line, after_slash, "0123456789");
    if (digits2 == 0 || after_slash + digits2 >= line.size() ||
        line[after_slash + digits2] != ')') {
      continue;
    }
    synced = line.substr(at + 1, digits);
    break;
  }
  if (synced.empty()) {
    return DeviceError(d->name, absl::StrCat("no \"(done/total)\" in sync line \"",
                                             absl::StripAsciiWhitespace(line), "\""));
  }
  absl::Status s = common::ParseInt64(synced, "synced blocks", &d->blocks_synced);
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

bool MdLevelHasRaidDisks(absl::string_view level) {
  return !level.empty() && level != "container" && level != "imsm" && level != "ddf";
}

bool MdLevelHasDegraded(absl::string_view level) {
  return level == "raid1" || level == "raid4" || level == "raid5" || level == "raid6" ||
         level == "raid10";
}

bool ParseMdRaidDisks(absl::string_view text, uint64_t* out) {
  text = absl::StripAsciiWhitespace(text);
  // "11 (10)" during a reshape: the current count comes first.
  const size_t space = text.find(' ');
  if (space != absl::string_view::npos) {
    if (space == 0) return false;
    text = text.substr(0, space);
  }
  if (text.empty()) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(c)) return false;  // no error Status built for garbage
  }
  return common::ParseUint64(text, "raid_disks", out).ok();
}

}  // namespace hostmon::agent
