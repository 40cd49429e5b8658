// SPDX-License-Identifier: Apache-2.0
//
// Parsers for the NFS client's and server's RPC statistics, /proc/net/rpc/nfs and
// /proc/net/rpc/nfsd (net/sunrpc/stats.c, fs/nfs/, fs/nfsd/stats.c): one line per group, e.g.
//
//   net 70 70 69 45
//   rpc 1218785755 374636 1218815394
//   proc3 22 0 1061909262 48906 ...
//   proc4 48 98 51 54 ...
//
// "net": packets, UDP packets, TCP packets, TCP connections; "rpc": calls, retransmissions,
// authentication refreshes (the client's) or calls, bad calls, bad format, bad auth, bad client
// (the server's); "procN": the number of procedures that follow, then one call count per
// procedure of NFS version N in the protocol's procedure order. The server adds "rc" (reply
// cache), "fh" (file handles), "io" (bytes), "th" (threads), "ra" (read-ahead cache, older
// kernels), "proc4ops" (per NFSv4 operation) and "wdeleg_getattr".
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

// NFSv4 operations the server counts (proc4ops), as node_exporter's method label spells them,
// with their position in the proc4ops line (1-based after the count; RelLockOwner, position 40,
// only on kernels that count it).
struct NfsV4Op {
  absl::string_view name;
  size_t position;
};
constexpr NfsV4Op kNfsdV4Ops[] = {
    {"Access", 4},     {"Close", 5},        {"Commit", 6},        {"Create", 7},
    {"DelegPurge", 8}, {"DelegReturn", 9},  {"GetAttr", 10},      {"GetFH", 11},
    {"Link", 12},      {"Lock", 13},        {"Lockt", 14},        {"Locku", 15},
    {"Lookup", 16},    {"LookupRoot", 17},  {"Nverify", 18},      {"Open", 19},
    {"OpenAttr", 20},  {"OpenConfirm", 21}, {"OpenDgrd", 22},     {"PutFH", 23},
    {"Read", 26},      {"ReadDir", 27},     {"ReadLink", 28},     {"Remove", 29},
    {"Rename", 30},    {"Renew", 31},       {"RestoreFH", 32},    {"SaveFH", 33},
    {"SecInfo", 34},   {"SetAttr", 35},     {"SetClientID", 36},  {"SetClientIDConfirm", 37},
    {"Verify", 38},    {"Write", 39},       {"RelLockOwner", 40},
};
constexpr size_t kNumNfsdV4Ops = sizeof(kNfsdV4Ops) / sizeof(kNfsdV4Ops[0]);

struct NfsServerStats {
  uint64_t reply_cache_hits = 0, reply_cache_misses = 0, reply_cache_nocache = 0;
  uint64_t stale_file_handles = 0;
  uint64_t bytes_read = 0, bytes_written = 0;
  uint64_t threads = 0;
  uint64_t read_ahead_cache_size = 0, read_ahead_not_found = 0;
  uint64_t udp_packets = 0, tcp_packets = 0, tcp_connections = 0;
  uint64_t rpcs = 0, bad_format = 0, bad_auth = 0, bad_client = 0;
  uint64_t v2[18] = {}, v3[22] = {};    // as NfsClientStats
  uint64_t v4_ops[kNumNfsdV4Ops] = {};  // in kNfsdV4Ops order
  uint64_t wdeleg_getattr = 0;
};

// Parses /proc/net/rpc/nfsd's text. Errors as ParseNfsClientStats: rc 3 values, fh 5, io 2, th
// at least 2 (older kernels add a histogram, not parsed), ra 12, net 4, rpc 5, proc2/proc3 as the
// client's, proc4 exactly 2 procedures, proc4ops at least 39 operations; unknown groups skipped.
absl::Status ParseNfsServerStats(absl::string_view text, absl::string_view file,
                                 NfsServerStats* out);

}  // namespace hostmon::agent
