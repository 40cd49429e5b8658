// SPDX-License-Identifier: Apache-2.0
//
// Parser for /proc/mdstat, the md (software RAID) driver's status. A device takes a header line,
// a status line and an optional bitmap and sync line:
//
//   md6 : active raid1 sdb2[2](F) sdc[1](S) sda2[0]
//         195310144 blocks [2/1] [U_]
//         [=>...................]  recovery =  8.5% (16775552/195310144) finish=17.0min
//         speed=259783K/sec
//
// The rules are those of prometheus/procfs' parseMDStat as vendored by node_exporter 1.5.0
// (unchanged in 1.12),
// including its quirks: the state is the header's third field ("active", "inactive"), raid0 and
// linear count their disks by '[', and a sync line's keyword anywhere in the line (recovery,
// resync, check) overrides the state, even for resync=PENDING on an auto-read-only array.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

struct MdDevice {
  absl::string_view name;   // "md6"; views the parsed text
  absl::string_view state;  // header's state, or "recovering", "resyncing", "checking"
  int64_t disks_active = 0;
  int64_t disks_failed = 0;  // "(F)" members
  int64_t disks_spare = 0;   // "(S)" members
  int64_t disks_total = 0;   // required disks, the n of [n/m]
  int64_t blocks_total = 0;
  int64_t blocks_synced = 0;  // blocks_total unless a sync is under way
};

// Parses /proc/mdstat into *out (cleared first); `lines` is scratch space reused between calls.
// Error naming the device on a missing status line, a status line without "[n/m] [UU]" (for
// levels that have one), a sync line without "(done/total)", or a bad number.
absl::Status ParseMdstat(absl::string_view text, std::vector<absl::string_view>* lines,
                         std::vector<MdDevice>* out);

// The /sys/block/md*/md/ attributes node_exporter 1.12 reads (Documentation/admin-guide/md.rst),
// with the rules of prometheus/procfs' Mdraids:
//
//   level        "raid1", "raid0", "linear", "container" (external metadata), "" (unset)
//   raid_disks   "4", or "4 (3)" while a reshape changes the count
//   degraded     "1" (raid1, 4, 5, 6 and 10 only)
//
// Whether an array of `level` has a raid_disks count (not containers: "container", "imsm",
// "ddf"; not an empty level).
bool MdLevelHasRaidDisks(absl::string_view level);
// Whether an array of `level` has a degraded count (raid1, raid4, raid5, raid6, raid10).
bool MdLevelHasDegraded(absl::string_view level);
// raid_disks' number (white space trimmed; during a reshape, the first of "current (previous)").
// False when there is none: an empty file or text that is not a number.
bool ParseMdRaidDisks(absl::string_view text, uint64_t* out);

}  // namespace hostmon::agent
