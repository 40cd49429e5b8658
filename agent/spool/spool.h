// SPDX-License-Identifier: Apache-2.0
//
// The agent's on-disk spool: a bounded, crash-safe append-only log of batches. Every
// collected batch is appended before it is sent and forgotten only once the collector has
// acknowledged it, so an outage of the collector or a crash of the agent loses nothing that was
// spooled.
//
// Layout of the spool directory:
//   state                epoch, last sequence, ack watermark (text; rewritten via rename)
//   <20-digit id>.seg    segment files, appended in id order, rolled at segment_bytes
//
// A record (little-endian):
//   magic u32 "HMS1" | payload_len u32 | crc32c u32 | epoch u64 | sequence u64 |
//   timestamp_ms i64 | samples u32 | payload
// The CRC-32C covers everything after itself (epoch .. payload). The payload is opaque to the
// spool (the agent stores a self-contained serialized hostmon.ingest.v1.Batch). A record that
// fails its checks (torn tail after a power cut, flipped bytes) is skipped with a log line naming
// file and offset; reading resyncs at the next magic that starts a valid record.
//
// Durability: a record is handed to the kernel with write(2) before Append returns, so a killed
// process (SIGKILL, crash) loses nothing that was appended. What survives a power cut depends on
// `fsync` (README, "Durability").
//
// Drop accounting: a record removed by the size or age cap is counted as dropped when it was not
// on its way to the collector. One already sent on the current stream (handed out by
// NextPending, or marked with MarkSent) may still be delivered: it is counted only if the stream
// ends without its acknowledgement (StreamEnded). So dropped_batches equals the batches the
// collector never gets, neither more (a record dropped while in flight and then acknowledged)
// nor less.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace hostmon::agent {

enum class SpoolFsync {
  kAlways,    // fdatasync after every record: a power cut loses nothing that was appended
  kPeriodic,  // fdatasync when the last one is older than fsync_interval, and on segment roll
  kNever,     // leave it to the kernel's writeback (about 30 s on Linux)
};

absl::StatusOr<SpoolFsync> ParseSpoolFsync(absl::string_view s);
absl::string_view SpoolFsyncName(SpoolFsync f);

struct SpoolOptions {
  std::string directory;
  uint64_t max_bytes = 256ull << 20;
  // Records older than this (relative to the newest appended batch) are dropped and counted;
  // zero disables the age cap.
  absl::Duration max_age = absl::Hours(72);
  // Segment size at which the spool rolls to a new file; capped at max_bytes/4 so the size cap
  // can always drop whole old segments.
  uint64_t segment_bytes = 8ull << 20;
  SpoolFsync fsync = SpoolFsync::kPeriodic;
  absl::Duration fsync_interval = absl::Seconds(1);
  // Tests only: asked before each write(2) to a spool file (a segment or the state file, by
  // path); a non-zero errno makes that write fail with it, as a full disk would (ENOSPC).
  std::function<int(const std::string& path)> inject_write_error;
};

struct SpoolRecord {
  uint64_t sequence = 0;
  int64_t timestamp_ms = 0;
  uint32_t samples = 0;
  std::string payload;
};

class Spool {
 public:
  struct Stats {
    uint64_t bytes = 0;
    uint64_t segments = 0;
    uint64_t pending_batches = 0;
    uint64_t pending_samples = 0;
    int64_t oldest_pending_timestamp_ms = 0;  // 0 when nothing is pending
    uint64_t appended_batches = 0;
    uint64_t acked_batches = 0;
    uint64_t dropped_batches = 0;  // size or age cap: oldest first, never delivered
    uint64_t dropped_samples = 0;
    uint64_t corrupt_records = 0;     // skipped while reading (torn tail, flipped bytes)
    uint64_t write_errors = 0;        // batches that could not be spooled
    uint64_t state_write_errors = 0;  // failed rewrites of the state file (no batch lost)
    uint64_t fsyncs = 0;
    double write_seconds = 0;  // time in write(2), including fsync
    double fsync_seconds = 0;
  };

  // Opens (creating if needed) the spool directory and recovers its records: the epoch and
  // sequence space of the previous run continue; a new random epoch is chosen only when the
  // directory holds no state and no record.
  static absl::StatusOr<std::unique_ptr<Spool>> Open(SpoolOptions options);
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  uint64_t epoch() const { return epoch_; }
  // The highest sequence number ever appended in this epoch (0 for a fresh spool); the agent
  // continues at last_sequence() + 1.
  uint64_t last_sequence() const ABSL_LOCKS_EXCLUDED(mu_);

  // Appends one record (sequence numbers must increase). On error (e.g. disk full) the record is
  // not spooled; the caller still sends it from memory.
  //
  // Healing after a failed write: the current segment is truncated to empty when all its records
  // are acknowledged, else rolled over to a fresh segment, and the write is retried once. So the
  // space that acknowledgements free (whole non-current segments are deleted as soon as their
  // last record is acknowledged) is used again at once, without a restart; a segment that is
  // still empty is kept, so a disk that stays full does not fill the directory with empty files.
  absl::Status Append(uint64_t sequence, int64_t timestamp_ms, uint32_t samples,
                      absl::string_view payload) ABSL_LOCKS_EXCLUDED(mu_);
  // Marks sequences as delivered; whole segments whose records are all delivered are deleted.
  void Ack(absl::Span<const uint64_t> sequences) ABSL_LOCKS_EXCLUDED(mu_);
  // The oldest pending record with after < sequence <= upto, read from disk; false when none.
  // The record is handed out to be sent: it is in flight until acknowledged or StreamEnded().
  // A record that no longer reads back correctly is counted as corrupt, dropped and skipped.
  bool NextPending(uint64_t after, uint64_t upto, SpoolRecord* out) ABSL_LOCKS_EXCLUDED(mu_);
  // A batch kept in memory is about to be sent: its record is in flight from now on. False when
  // the record is no longer pending (the cap dropped and counted it, or it was acknowledged):
  // the batch must not be sent, so that what the collector gets matches the counters.
  bool MarkSent(uint64_t sequence) ABSL_LOCKS_EXCLUDED(mu_);
  // The stream ended and no acknowledgement can arrive any more: records dropped by the cap while
  // in flight on it are counted as dropped now; records still spooled are pending again.
  void StreamEnded() ABSL_LOCKS_EXCLUDED(mu_);
  // Persists the state file (ack watermark) and syncs the active segment.
  void Flush() ABSL_LOCKS_EXCLUDED(mu_);
  Stats stats() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Entry {
    uint64_t sequence;
    int64_t timestamp_ms;
    uint32_t samples;
    uint64_t segment;
    uint64_t offset;  // of the record's header
    uint32_t size;    // header + payload
    bool acked;
    bool in_flight = false;  // sent on the current stream, not yet acknowledged
  };
  struct Segment {
    uint64_t bytes = 0;
    uint64_t pending = 0;
    int64_t newest_timestamp_ms = 0;
  };

  explicit Spool(SpoolOptions options);
  absl::Status Recover() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ScanSegment(uint64_t id, uint64_t ack_watermark, uint64_t* max_epoch_seq)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status OpenActive(uint64_t id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Closes the current segment (deleting it when nothing in it is pending) and opens the next.
  absl::Status Roll() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Writes one record at the end of the current segment; a partial write is cut off again.
  absl::Status WriteRecord(const std::string& record) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // After a failed write: truncates the current segment when all its records are acknowledged,
  // else rolls over. True when that made room worth a second try.
  bool Reclaim() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // write(2) of the whole buffer to a spool file, or the injected error.
  absl::Status WriteAllTo(int fd, const std::string& path, const char* p, size_t n) const;
  void Sync() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void DropSegment(uint64_t id, bool count_as_dropped) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void EnforceCaps(int64_t newest_timestamp_ms) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void WriteState() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  uint64_t AckWatermark() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::string SegmentPath(uint64_t id) const;
  std::deque<Entry>::iterator Find(uint64_t sequence) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const SpoolOptions options_;
  uint64_t epoch_ = 0;
  mutable absl::Mutex mu_;
  std::deque<Entry> entries_ ABSL_GUARDED_BY(mu_);  // sequence order
  // Records the cap removed while they were in flight: sequence -> samples. Acknowledged: they
  // were delivered after all; still here when the stream ends: counted as dropped.
  std::map<uint64_t, uint32_t> dropped_in_flight_ ABSL_GUARDED_BY(mu_);
  std::map<uint64_t, Segment> segments_ ABSL_GUARDED_BY(mu_);
  uint64_t active_id_ ABSL_GUARDED_BY(mu_) = 0;
  int active_fd_ ABSL_GUARDED_BY(mu_) = -1;
  uint64_t last_sequence_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t total_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t unsynced_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Time last_sync_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  absl::Time last_state_write_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  Stats stats_ ABSL_GUARDED_BY(mu_);
};

}  // namespace hostmon::agent
