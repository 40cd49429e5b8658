// SPDX-License-Identifier: Apache-2.0
//
// Parsers for the NFS client's per-mount statistics, /proc/<pid>/mountstats (fs/proc_namespace.c
// mountstats_open, fs/nfs/super.c nfs_show_stats, net/sunrpc/stats.c rpc_clnt_show_stats and the
// transports' print_stats), and for the addr= superblock option of /proc/<pid>/mountinfo
// (fs/proc_namespace.c show_mountinfo). A mountstats file has one "device" line per mount; an
// NFS mount's line ends in statvers= and its statistics follow, up to a blank line:
//
//   device 192.168.1.1:/srv/test mounted on /mnt/nfs/test with fstype nfs4 statvers=1.1
//   	opts:	rw,vers=4.0,rsize=1048576,...
//   	age:	13968
//   	events:	52 226 0 0 1 13 398 0 0 331 0 47 0 0 77 0 0 77 0 0 0 0 0 0 0 0 0
//   	bytes:	1207640230 0 0 0 1210214218 0 295483 0
//   	xprt:	tcp 832 0 1 0 11 6428 6428 0 12154 0 24 26 5726
//   	per-op statistics
//   	        NULL: 0 0 0 0 0 0 0 0
//   	        READ: 1298 1298 0 207680 1210292152 6 79386 79407
//
// The rules are those of prometheus/procfs (mountstats.go, mountinfo.go), the library
// node_exporter's mountstats collector reads these files with, so that the same file is accepted
// or refused alike.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace hostmon::agent {

// One "xprt:" line: the RPC transport's counters that node_exporter exports. A UDP transport has
// no connections (connect and idle time are 0); statistics version 1.0 and RDMA transports have
// no maximum slots and queue counters (0).
struct NfsTransportStats {
  absl::string_view protocol;  // tcp, udp, rdma
  uint64_t bind = 0;
  uint64_t connect = 0;
  uint64_t idle_time_seconds = 0;
  uint64_t sends = 0;
  uint64_t receives = 0;
  uint64_t bad_transaction_ids = 0;
  uint64_t cumulative_backlog = 0;
  uint64_t maximum_rpc_slots_used = 0;
  uint64_t cumulative_sending_queue = 0;
  uint64_t cumulative_pending_queue = 0;
};

// One line of the per-op statistics: an NFS operation and its first eight counters (kernels
// since 5.x print a ninth, the error count, which is not exported).
struct NfsOperationStats {
  absl::string_view operation;  // "READ" (the line's name without its colon)
  uint64_t requests = 0;
  uint64_t transmissions = 0;
  uint64_t major_timeouts = 0;
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;
  uint64_t queue_milliseconds = 0;
  uint64_t response_milliseconds = 0;
  uint64_t request_milliseconds = 0;
};

// The number of counters of the "bytes:" and "events:" lines.
inline constexpr size_t kNfsByteCounters = 8;
inline constexpr size_t kNfsEventCounters = 27;

// One "device" line and, for an NFS mount with statistics, what follows it. The views point
// into the parsed text.
struct MountStatsEntry {
  absl::string_view device;       // 192.168.1.1:/srv/test
  absl::string_view mount_point;  // /mnt/nfs/test
  absl::string_view fstype;       // nfs4
  bool has_nfs_stats = false;     // the line had statvers=; the fields below are set
  uint64_t age_seconds = 0;
  // read, write, direct read, direct write, total read, total write (bytes), read pages, write
  // pages: the kernel's order.
  uint64_t bytes[kNfsByteCounters] = {};
  // inode revalidate, dentry revalidate, data invalidate, attribute invalidate, VFS open, lookup,
  // access, update page, read page, read pages, write page, write pages, getdents, setattr,
  // flush, fsync, lock, file release, congestion wait, truncation, write extension, silly
  // rename, short read, short write, jukebox delay, pNFS read, pNFS write: the kernel's order.
  uint64_t events[kNfsEventCounters] = {};
  std::vector<NfsTransportStats> transports;
  std::vector<NfsOperationStats> operations;
};

// The mounts of one mountstats file, in the file's order. Parse() reuses the entries (and their
// vectors) of the previous parse, so that a steady state does not allocate.
class MountStats {
 public:
  // Replaces the contents with those of `text`. Errors (InvalidArgument, naming `file` and the
  // line): a "device" line that is not "device <dev> mounted on <dir> with fstype <type>",
  // statistics for a type other than nfs/nfs4, a statistics line missing its values, a "bytes:"
  // or "events:" line with the wrong number of counters, an unknown statistics version or
  // transport, a transport line of the wrong length, a per-op line with fewer than eight
  // counters, a value that is not a decimal uint64, an age beyond 292 years. The contents are
  // unspecified after an error.
  absl::Status Parse(absl::string_view text, absl::string_view file);

  absl::Span<const MountStatsEntry> mounts() const { return {entries_.data(), size_}; }

 private:
  std::vector<MountStatsEntry> entries_;  // [0, size_) parsed; the rest kept for reuse
  size_t size_ = 0;
};

// The value of the superblock option addr= (an NFS server's address) of each line of a
// mountinfo file, in line order; "" for a line without it. The lines are checked as procfs
// checks them: at least 10 space-separated fields, "-" fourth from the end, numeric mount and
// parent IDs; anything else is an InvalidArgument error naming `file` and the line. The views
// point into `text`.
absl::Status ParseMountInfoAddrs(absl::string_view text, absl::string_view file,
                                 std::vector<absl::string_view>* addrs);

}  // namespace hostmon::agent
