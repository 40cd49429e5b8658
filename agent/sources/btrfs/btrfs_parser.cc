// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/btrfs/btrfs_parser.h"

#include "absl/strings/strip.h"
#include "agent/sources/common/sysfs_value.h"
#include "common/text_parse.h"

namespace hostmon::agent {

uint64_t ParseBtrfsValue(absl::string_view file_text) {
  uint64_t v = 0;
  if (!common::ParseUint64(SysfsAttributeText(file_text), "", &v).ok()) return 0;
  return v;
}

absl::Status ParseBtrfsCommitStats(absl::string_view text, absl::string_view file,
                                   BtrfsCommitStats* out) {
  *out = BtrfsCommitStats{};
  absl::string_view line;
  for (size_t line_no = 1; common::NextLine(&text, &line); ++line_no) {
    absl::ConsumeSuffix(&line, "\r");  // as Go's bufio.ScanLines
    common::Fields fields;
    common::SplitFields(line, &fields);
    if (fields.size() != 2) {
      return common::LineError(file, line_no, line, "expected \"<name> <value>\"");
    }
    uint64_t v = 0;
    if (absl::Status s = common::ParseUint64(fields[1], fields[0], &v); !s.ok()) {
      return common::LineError(file, line_no, line, s.message());
    }
    if (fields[0] == "commits") {
      out->commits = v;
    } else if (fields[0] == "last_commit_ms") {
      out->last_commit_ms = v;
    } else if (fields[0] == "max_commit_ms") {
      out->max_commit_ms = v;
    } else if (fields[0] == "total_commit_ms") {
      out->total_commit_ms = v;
    }
  }
  return absl::OkStatus();
}

double BtrfsAllocationRatio(absl::string_view profile, int devices) {
  if (profile == "single" || profile == "raid0") return 1;
  if (profile == "dup" || profile == "raid1" || profile == "raid10") return 2;
  if (profile == "raid1c3") return 3;
  if (profile == "raid1c4") return 4;
  // Divisions as procfs does them in float64: one device in raid5 gives +Inf, as there.
  if (profile == "raid5") return static_cast<double>(devices) / (static_cast<double>(devices) - 1);
  if (profile == "raid6") return static_cast<double>(devices) / (static_cast<double>(devices) - 2);
  return 0;
}

}  // namespace hostmon::agent
