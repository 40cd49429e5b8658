// SPDX-License-Identifier: Apache-2.0
//
// Parser for /proc/1/mounts (or /proc/mounts), the kernel's mount table in fstab(5) format:
//
//   /dev/vda / ext4 rw,relatime,discard 0 0
//
// Fields are device, mount point, fs type, options, dump, pass. As node_exporter's filesystem
// collector, only the first four are used and only "\040" (space) and "\011" (tab) are decoded
// in the mount point.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

struct MountEntry {
  absl::string_view device;   // views the parsed text
  std::string mount_point;    // decoded ("\040" -> ' '); owned because decoding changes it
  absl::string_view fs_type;  // views the parsed text
  absl::string_view options;  // comma-separated, e.g. "ro,relatime"
};

// Parses the mount table in `text` into *out. Elements of *out are reused (their strings keep
// their capacity) so a steady-state scrape does not allocate. Blank lines are skipped. Error
// (naming the line) on a line with fewer than four fields, as node_exporter's
// "malformed mount point information"; an empty table is valid (no mounts).
absl::Status ParseMounts(absl::string_view text, std::vector<MountEntry>* out);

// True when the comma-separated `options` contain exactly "ro".
bool MountIsReadOnly(absl::string_view options);

}  // namespace hostmon::agent
