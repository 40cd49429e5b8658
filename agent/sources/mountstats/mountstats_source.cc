// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/mountstats/mountstats_source.h"

#include <charconv>
#include <string>
#include <vector>

#include "agent/sources/mountstats/mountstats_parser.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

// node_exporter 1.12's mountstats collector (collector/mountstats_linux.go); help texts verbatim,
// including the two it copied from a neighbour (vfs_open, vfs_setattr).
constexpr MetricDesc kAge{"node_mountstats_nfs_age_seconds_total", kCounter,
                          "The age of the NFS mount in seconds."};
constexpr MetricDesc kMountpointInfo{"node_mountstats_nfs_mountpoint_info", kGauge,
                                     "Info metric for an NFS mountpoint."};
// The "bytes:" counters, in the kernel's order.
constexpr MetricDesc kBytes[kNfsByteCounters] = {
    {"node_mountstats_nfs_read_bytes_total", kCounter,
     "Number of bytes read using the read() syscall."},
    {"node_mountstats_nfs_write_bytes_total", kCounter,
     "Number of bytes written using the write() syscall."},
    {"node_mountstats_nfs_direct_read_bytes_total", kCounter,
     "Number of bytes read using the read() syscall in O_DIRECT mode."},
    {"node_mountstats_nfs_direct_write_bytes_total", kCounter,
     "Number of bytes written using the write() syscall in O_DIRECT mode."},
    {"node_mountstats_nfs_total_read_bytes_total", kCounter,
     "Number of bytes read from the NFS server, in total."},
    {"node_mountstats_nfs_total_write_bytes_total", kCounter,
     "Number of bytes written to the NFS server, in total."},
    {"node_mountstats_nfs_read_pages_total", kCounter,
     "Number of pages read directly via mmap()'d files."},
    {"node_mountstats_nfs_write_pages_total", kCounter,
     "Number of pages written directly via mmap()'d files."},
};
// The "events:" counters but the congestion wait (index 18), which node_exporter leaves out;
// each with its index in the line.
struct EventDesc {
  MetricDesc desc;
  size_t index;
};
constexpr EventDesc kEvents[] = {
    {{"node_mountstats_nfs_event_inode_revalidate_total", kCounter,
      "Number of times cached inode attributes are re-validated from the server."},
     0},
    {{"node_mountstats_nfs_event_dnode_revalidate_total", kCounter,
      "Number of times cached dentry nodes are re-validated from the server."},
     1},
    {{"node_mountstats_nfs_event_data_invalidate_total", kCounter,
      "Number of times an inode cache is cleared."},
     2},
    {{"node_mountstats_nfs_event_attribute_invalidate_total", kCounter,
      "Number of times cached inode attributes are invalidated."},
     3},
    {{"node_mountstats_nfs_event_vfs_open_total", kCounter,
      "Number of times cached inode attributes are invalidated."},
     4},
    {{"node_mountstats_nfs_event_vfs_lookup_total", kCounter,
      "Number of times a directory lookup has occurred."},
     5},
    {{"node_mountstats_nfs_event_vfs_access_total", kCounter,
      "Number of times permissions have been checked."},
     6},
    {{"node_mountstats_nfs_event_vfs_update_page_total", kCounter,
      "Number of updates (and potential writes) to pages."},
     7},
    {{"node_mountstats_nfs_event_vfs_read_page_total", kCounter,
      "Number of pages read directly via mmap()'d files."},
     8},
    {{"node_mountstats_nfs_event_vfs_read_pages_total", kCounter,
      "Number of times a group of pages have been read."},
     9},
    {{"node_mountstats_nfs_event_vfs_write_page_total", kCounter,
      "Number of pages written directly via mmap()'d files."},
     10},
    {{"node_mountstats_nfs_event_vfs_write_pages_total", kCounter,
      "Number of times a group of pages have been written."},
     11},
    {{"node_mountstats_nfs_event_vfs_getdents_total", kCounter,
      "Number of times directory entries have been read with getdents()."},
     12},
    {{"node_mountstats_nfs_event_vfs_setattr_total", kCounter,
      "Number of times directory entries have been read with getdents()."},
     13},
    {{"node_mountstats_nfs_event_vfs_flush_total", kCounter,
      "Number of pending writes that have been forcefully flushed to the server."},
     14},
    {{"node_mountstats_nfs_event_vfs_fsync_total", kCounter,
      "Number of times fsync() has been called on directories and files."},
     15},
    {{"node_mountstats_nfs_event_vfs_lock_total", kCounter,
      "Number of times locking has been attempted on a file."},
     16},
    {{"node_mountstats_nfs_event_vfs_file_release_total", kCounter,
      "Number of times files have been closed and released."},
     17},
    {{"node_mountstats_nfs_event_truncation_total", kCounter,
      "Number of times files have been truncated."},
     19},
    {{"node_mountstats_nfs_event_write_extension_total", kCounter,
      "Number of times a file has been grown due to writes beyond its existing end."},
     20},
    {{"node_mountstats_nfs_event_silly_rename_total", kCounter,
      "Number of times a file was removed while still open by another process."},
     21},
    {{"node_mountstats_nfs_event_short_read_total", kCounter,
      "Number of times the NFS server gave less data than expected while reading."},
     22},
    {{"node_mountstats_nfs_event_short_write_total", kCounter,
      "Number of times the NFS server wrote less data than expected while writing."},
     23},
    {{"node_mountstats_nfs_event_jukebox_delay_total", kCounter,
      "Number of times the NFS server indicated EJUKEBOX; retrieving data from offline storage."},
     24},
    {{"node_mountstats_nfs_event_pnfs_read_total", kCounter, "Number of NFS v4.1+ pNFS reads."},
     25},
    {{"node_mountstats_nfs_event_pnfs_write_total", kCounter, "Number of NFS v4.1+ pNFS writes."},
     26},
};
// Per transport, in TransportValues' order.
constexpr MetricDesc kTransport[] = {
    {"node_mountstats_nfs_transport_bind_total", kCounter,
     "Number of times the client has had to establish a connection from scratch to the NFS "
     "server."},
    {"node_mountstats_nfs_transport_connect_total", kCounter,
     "Number of times the client has made a TCP connection to the NFS server."},
    {"node_mountstats_nfs_transport_idle_time_seconds", kGauge,
     "Duration since the NFS mount last saw any RPC traffic, in seconds."},
    {"node_mountstats_nfs_transport_sends_total", kCounter,
     "Number of RPC requests for this mount sent to the NFS server."},
    {"node_mountstats_nfs_transport_receives_total", kCounter,
     "Number of RPC responses for this mount received from the NFS server."},
    {"node_mountstats_nfs_transport_bad_transaction_ids_total", kCounter,
     "Number of times the NFS server sent a response with a transaction ID unknown to this "
     "client."},
    {"node_mountstats_nfs_transport_backlog_queue_total", kCounter,
     "Total number of items added to the RPC backlog queue."},
    {"node_mountstats_nfs_transport_maximum_rpc_slots", kGauge,
     "Maximum number of simultaneously active RPC requests ever used."},
    {"node_mountstats_nfs_transport_sending_queue_total", kCounter,
     "Total number of items added to the RPC transmission sending queue."},
    {"node_mountstats_nfs_transport_pending_queue_total", kCounter,
     "Total number of items added to the RPC transmission pending queue."},
};
// Per operation, in OperationValues' order.
constexpr MetricDesc kOperations[] = {
    {"node_mountstats_nfs_operations_requests_total", kCounter,
     "Number of requests performed for a given operation."},
    {"node_mountstats_nfs_operations_transmissions_total", kCounter,
     "Number of times an actual RPC request has been transmitted for a given operation."},
    {"node_mountstats_nfs_operations_major_timeouts_total", kCounter,
     "Number of times a request has had a major timeout for a given operation."},
    {"node_mountstats_nfs_operations_sent_bytes_total", kCounter,
     "Number of bytes sent for a given operation, including RPC headers and payload."},
    {"node_mountstats_nfs_operations_received_bytes_total", kCounter,
     "Number of bytes received for a given operation, including RPC headers and payload."},
    {"node_mountstats_nfs_operations_queue_time_seconds_total", kCounter,
     "Duration all requests spent queued for transmission for a given operation before they were "
     "sent, in seconds."},
    {"node_mountstats_nfs_operations_response_time_seconds_total", kCounter,
     "Duration all requests took to get a reply back after a request for a given operation was "
     "transmitted, in seconds."},
    {"node_mountstats_nfs_operations_request_time_seconds_total", kCounter,
     "Duration all requests took from when a request was enqueued to when it was completely "
     "handled for a given operation, in seconds."},
};

// node_exporter reduces the counters that may exceed a float64's 53-bit mantissa modulo 2^53
// before converting them (idle time, operation times); the same values come out here.
constexpr uint64_t kFloat64Mantissa = uint64_t{1} << 53;

double TransportValue(const NfsTransportStats& t, size_t i) {
  switch (i) {
    case 0:
      return static_cast<double>(t.bind);
    case 1:
      return static_cast<double>(t.connect);
    case 2:
      return static_cast<double>(t.idle_time_seconds % kFloat64Mantissa);
    case 3:
      return static_cast<double>(t.sends);
    case 4:
      return static_cast<double>(t.receives);
    case 5:
      return static_cast<double>(t.bad_transaction_ids);
    case 6:
      return static_cast<double>(t.cumulative_backlog);
    case 7:
      return static_cast<double>(t.maximum_rpc_slots_used);
    case 8:
      return static_cast<double>(t.cumulative_sending_queue);
    default:
      return static_cast<double>(t.cumulative_pending_queue);
  }
}

double Milliseconds(uint64_t ms) { return static_cast<double>(ms % kFloat64Mantissa) / 1000.0; }

double OperationValue(const NfsOperationStats& op, size_t i) {
  switch (i) {
    case 0:
      return static_cast<double>(op.requests);
    case 1:
      return static_cast<double>(op.transmissions);
    case 2:
      return static_cast<double>(op.major_timeouts);
    case 3:
      return static_cast<double>(op.bytes_sent);
    case 4:
      return static_cast<double>(op.bytes_received);
    case 5:
      return Milliseconds(op.queue_milliseconds);
    case 6:
      return Milliseconds(op.response_milliseconds);
    default:
      return Milliseconds(op.request_milliseconds);
  }
}

// What node_exporter deduplicates by: an export (device, protocol, server address) is reported
// once, its mount points each once.
struct MountKey {
  absl::string_view device, protocol, addr, mount_point;
  bool operator==(const MountKey& o) const {
    return device == o.device && protocol == o.protocol && addr == o.addr &&
           mount_point == o.mount_point;
  }
};

// Adds `key` unless present; false when it was. A linear scan: a host has tens of NFS mounts,
// and a vector that keeps its capacity does not allocate in steady state.
bool Insert(std::vector<MountKey>* seen, const MountKey& key) {
  for (const MountKey& k : *seen) {
    if (k == key) return false;
  }
  seen->push_back(key);
  return true;
}

// The statistics of one export, labelled with `protocol` (node_exporter labels every transport
// of a mount with the protocol of the transport it is reporting the mount for).
void AddStats(SampleWriter& out, const MountStatsEntry& m, absl::string_view protocol,
              absl::string_view addr) {
  const LabelRef labels[] = {{"export", m.device}, {"protocol", protocol}, {"mountaddr", addr}};
  out.Add(kAge, labels, static_cast<double>(m.age_seconds));
  for (size_t i = 0; i < kNfsByteCounters; ++i) {
    out.Add(kBytes[i], labels, static_cast<double>(m.bytes[i]));
  }
  for (const EventDesc& e : kEvents) {
    out.Add(e.desc, labels, static_cast<double>(m.events[e.index]));
  }
  for (size_t t = 0; t < m.transports.size(); ++t) {
    char index[24];
    const auto end = std::to_chars(index, index + sizeof(index), t).ptr;
    const LabelRef tl[] = {{"export", m.device},
                           {"protocol", protocol},
                           {"mountaddr", addr},
                           {"transport", absl::string_view(index, end - index)}};
    for (size_t i = 0; i < sizeof(kTransport) / sizeof(kTransport[0]); ++i) {
      out.Add(kTransport[i], tl, TransportValue(m.transports[t], i));
    }
  }
  for (const NfsOperationStats& op : m.operations) {
    const LabelRef ol[] = {{"export", m.device},
                           {"protocol", protocol},
                           {"mountaddr", addr},
                           {"operation", op.operation}};
    for (size_t i = 0; i < sizeof(kOperations) / sizeof(kOperations[0]); ++i) {
      out.Add(kOperations[i], ol, OperationValue(op, i));
    }
  }
}

class MountstatsSource : public Source {
 public:
  explicit MountstatsSource(const common::FsRoot& fs)
      : stats_path_(fs.Proc("self/mountstats")), info_path_(fs.Proc("self/mountinfo")) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ReadFileTo(stats_path_, &stats_text_));
    HM_RETURN_IF_ERROR(stats_.Parse(stats_text_, stats_path_));
    const absl::Span<const MountStatsEntry> mounts = stats_.mounts();
    bool any_nfs = false;
    for (const MountStatsEntry& m : mounts) any_nfs = any_nfs || !m.transports.empty();
    if (!any_nfs) return absl::OkStatus();  // no NFS mount: mountinfo is not needed

    // The server address is only in mountinfo. As procfs does, the two files are paired line
    // by line: the kernel lists a namespace's mounts in the same order in both.
    HM_RETURN_IF_ERROR(common::ReadFileTo(info_path_, &info_text_));
    HM_RETURN_IF_ERROR(ParseMountInfoAddrs(info_text_, info_path_, &addrs_));
    seen_mount_points_.clear();
    seen_exports_.clear();
    for (size_t idx = 0; idx < mounts.size(); ++idx) {
      const MountStatsEntry& m = mounts[idx];
      const absl::string_view addr = idx < addrs_.size() ? addrs_[idx] : absl::string_view();
      // node_exporter's loop: per transport, the mount point's info series once, then the
      // export's statistics unless that export was reported already.
      for (const NfsTransportStats& t : m.transports) {
        if (Insert(&seen_mount_points_, {m.device, t.protocol, addr, m.mount_point})) {
          const LabelRef labels[] = {{"export", m.device},
                                     {"protocol", t.protocol},
                                     {"mountaddr", addr},
                                     {"mountpoint", m.mount_point}};
          out.Add(kMountpointInfo, labels, 1);
        }
        if (!Insert(&seen_exports_, {m.device, t.protocol, addr, {}})) break;
        AddStats(out, m, t.protocol, addr);
      }
    }
    return absl::OkStatus();
  }

 private:
  std::string stats_path_;
  std::string info_path_;
  // Reused across collections: no allocation in steady state.
  std::string stats_text_;
  std::string info_text_;
  MountStats stats_;
  std::vector<absl::string_view> addrs_;
  std::vector<MountKey> seen_mount_points_;
  std::vector<MountKey> seen_exports_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeMountstatsSource(const SourceContext& ctx) {
  return std::make_unique<MountstatsSource>(*ctx.fs);
}

}  // namespace hostmon::agent
