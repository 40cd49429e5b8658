// SPDX-License-Identifier: Apache-2.0
//
// Parser for the NFS client's RPC statistics, /proc/net/rpc/nfs (net/sunrpc/stats.c,
// fs/nfs/...): one line per group, e.g.
//
//   net 70 70 69 45
//   rpc 1218785755 374636 1218815394
//   proc3 22 0 1061909262 48906 ...
//   proc4 48 98 51 54 ...
//
// "net": packets, UDP packets, TCP packets, TCP connections; "rpc": calls, retransmissions,
// authentication refreshes; "procN": the number of procedures that follow, then one call count
// per procedure of NFS version N in the protocol's procedure order.
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

// Procedure names per version, as node_exporter's method label spells them (procfs' struct
// field names), in the order the kernel counts them.
constexpr absl::string_view kNfsV2Procedures[] = {
    "Null",   "GetAttr", "SetAttr", "Root", "Lookup",  "ReadLink", "Read",  "WrCache", "Write",
    "Create", "Remove",  "Rename",  "Link", "SymLink", "MkDir",    "RmDir", "ReadDir", "FsStat"};
constexpr absl::string_view kNfsV3Procedures[] = {
    "Null",    "GetAttr",     "SetAttr", "Lookup", "Access",   "ReadLink", "Read",   "Write",
    "Create",  "MkDir",       "SymLink", "MkNod",  "Remove",   "RmDir",    "Rename", "Link",
    "ReadDir", "ReadDirPlus", "FsStat",  "FsInfo", "PathConf", "Commit"};
constexpr absl::string_view kNfsV4Procedures[] = {"Null",
                                                  "Read",
                                                  "Write",
                                                  "Commit",
                                                  "Open",
                                                  "OpenConfirm",
                                                  "OpenNoattr",
                                                  "OpenDowngrade",
                                                  "Close",
                                                  "Setattr",
                                                  "FsInfo",
                                                  "Renew",
                                                  "SetClientID",
                                                  "SetClientIDConfirm",
                                                  "Lock",
                                                  "Lockt",
                                                  "Locku",
                                                  "Access",
                                                  "Getattr",
                                                  "Lookup",
                                                  "LookupRoot",
                                                  "Remove",
                                                  "Rename",
                                                  "Link",
                                                  "Symlink",
                                                  "Create",
                                                  "Pathconf",
                                                  "StatFs",
                                                  "ReadLink",
                                                  "ReadDir",
                                                  "ServerCaps",
                                                  "DelegReturn",
                                                  "GetACL",
                                                  "SetACL",
                                                  "FsLocations",
                                                  "ReleaseLockowner",
                                                  "Secinfo",
                                                  "FsidPresent",
                                                  "ExchangeID",
                                                  "CreateSession",
                                                  "DestroySession",
                                                  "Sequence",
                                                  "GetLeaseTime",
                                                  "ReclaimComplete",
                                                  "GetDeviceInfo",
                                                  "LayoutGet",
                                                  "LayoutCommit",
                                                  "LayoutReturn",
                                                  "SecinfoNoName",
                                                  "TestStateID",
                                                  "FreeStateID",
                                                  "GetDeviceList",
                                                  "BindConnToSession",
                                                  "DestroyClientID",
                                                  "Seek",
                                                  "Allocate",
                                                  "DeAllocate",
                                                  "LayoutStats",
                                                  "Clone"};

struct NfsClientStats {
  uint64_t udp_packets = 0, tcp_packets = 0, tcp_connections = 0;
  uint64_t rpcs = 0, retransmissions = 0, auth_refreshes = 0;
  // Per procedure, in the order of kNfsV*Procedures; versions the file lacks stay 0, and a
  // proc4 line shorter than kNfsV4Procedures (older kernels) leaves the rest 0.
  uint64_t v2[18] = {}, v3[22] = {}, v4[59] = {};
};

// Parses the file's text. Errors name `file` and the line: a group with the wrong number of
// values (net 4, rpc 3, proc2 at least 18, proc3 at least 22, and a procN count that does not
// match the values that follow), a value that is not a decimal uint64. Unknown groups are
// skipped.
absl::Status ParseNfsClientStats(absl::string_view text, absl::string_view file,
                                 NfsClientStats* out);

}  // namespace hostmon::agent
