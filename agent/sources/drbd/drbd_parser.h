// SPDX-License-Identifier: Apache-2.0
//
// Parser for DRBD 8's status file, /proc/drbd (drivers/block/drbd/drbd_proc.c): a version
// header, then per device a "<minor>:" line with its states and a line of counters, e.g.
//
//   version: 8.4.3 (api:1/proto:86-101)
//    1: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r-----
//       ns:17324442 nr:10961011 dw:28263521 dr:118696670 al:1100 bm:221 lo:12345 pe:12346
//       ua:12347 ap:12348 ep:1 wo:d oos:12349
//
// Read as node_exporter's drbd collector reads it: word by word, every "key:value" word with
// exactly one colon; "<minor>:" starts a device, the keys it exports are recorded for the current
// device (named "unknown" before the first one), everything else is skipped. DRBD 9 lists no
// devices here (its statistics are in debugfs/drbdsetup), so its file yields none.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

// The numeric keys node_exporter exports, in this order in DrbdDevice::value.
inline constexpr absl::string_view kDrbdNumericKeys[] = {"ns", "nr", "dw", "dr", "al", "bm",
                                                         "lo", "pe", "ua", "ap", "ep", "oos"};
inline constexpr size_t kDrbdNumericCount = sizeof(kDrbdNumericKeys) / sizeof(kDrbdNumericKeys[0]);

// A local/remote pair of a "ro:" (roles) or "ds:" (disk states) word.
struct DrbdPair {
  bool present = false;
  absl::string_view local, remote;
};

// One device's words; a key given twice keeps its last value. The views point into the text.
struct DrbdDevice {
  bool has_minor = false;  // false: the words before any "<minor>:" ("unknown" device)
  uint64_t minor = 0;
  bool has_value[kDrbdNumericCount] = {};
  double value[kDrbdNumericCount] = {};  // as printed (KiB for ns, dw, dr, oos)
  DrbdPair roles;                        // ro:Primary/Secondary
  DrbdPair disk_states;                  // ds:UpToDate/UpToDate
  bool has_connection_state = false;
  absl::string_view connection_state;  // cs:Connected
};

// Parses /proc/drbd's text into *devices (cleared first; its capacity is reused), in the file's
// order. Errors (InvalidArgument, naming `file` and the line): a numeric key whose value is not a
// number, a ro:/ds: value without "/".
absl::Status ParseDrbd(absl::string_view text, absl::string_view file,
                       std::vector<DrbdDevice>* devices);

}  // namespace hostmon::agent
