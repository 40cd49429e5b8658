// SPDX-License-Identifier: Apache-2.0
//
// Batches waiting for the collector's acknowledgement. Bounded: when full, the oldest batch is
// dropped and counted (never silently). Batches stay queued after sending until acknowledged, so a
// broken stream re-sends them on the next one (at-least-once; the collector de-duplicates).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "agent/collection.h"
#include "agent/contributor.h"

namespace hostmon::agent {

class BatchQueue : public Contributor {
 public:
  struct Stats {
    uint64_t queued_batches = 0;
    uint64_t dropped_batches = 0;
    uint64_t dropped_samples = 0;
    uint64_t acked_batches = 0;
    uint64_t rejected_batches = 0;
    // Spooled batches released from memory (queue full, or a new stream replays them from the
    // spool): not a loss, the spool still holds them.
    uint64_t spilled_batches = 0;
  };

  explicit BatchQueue(size_t max_batches) : max_batches_(max_batches == 0 ? 1 : max_batches) {}

  // `spooled`: the batch is also in the on-disk spool, so releasing it from memory loses nothing.
  void Push(std::shared_ptr<const CollectedBatch> batch, bool spooled = false)
      ABSL_LOCKS_EXCLUDED(mu_);
  // Releases every spooled batch (a new stream replays them from the spool, behind live data).
  void ReleaseSpooled() ABSL_LOCKS_EXCLUDED(mu_);
  // Oldest batch not yet sent on the current stream, marked sent; nullptr when none. `spooled`
  // (optional) tells whether the batch is also in the spool.
  std::shared_ptr<const CollectedBatch> NextUnsent(bool* spooled = nullptr)
      ABSL_LOCKS_EXCLUDED(mu_);
  // True when a batch waits to be sent on the current stream.
  bool HasUnsent() const ABSL_LOCKS_EXCLUDED(mu_);
  // A new stream starts: every unacknowledged batch must be sent again.
  void ResetSent() ABSL_LOCKS_EXCLUDED(mu_);
  // Forgets acknowledged batches (unknown sequences are ignored: duplicates of re-sends).
  void Ack(absl::Span<const uint64_t> sequences) ABSL_LOCKS_EXCLUDED(mu_);
  // Forgets a batch the collector will never accept.
  void Reject(uint64_t sequence) ABSL_LOCKS_EXCLUDED(mu_);
  // Forgets a spooled batch whose record the spool's cap dropped (and counted) before it was sent.
  void Discard(uint64_t sequence) ABSL_LOCKS_EXCLUDED(mu_);
  Stats stats() const ABSL_LOCKS_EXCLUDED(mu_);
  bool empty() const ABSL_LOCKS_EXCLUDED(mu_);
  // hostmon_agent_queue_batches and hostmon_agent_dropped_{batches,samples}_total.
  void WriteTo(SampleWriter& out) override ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Entry {
    std::shared_ptr<const CollectedBatch> batch;
    bool sent = false;
    bool spooled = false;
  };
  bool Remove(uint64_t sequence) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const size_t max_batches_;
  mutable absl::Mutex mu_;
  std::deque<Entry> entries_ ABSL_GUARDED_BY(mu_);
  Stats stats_ ABSL_GUARDED_BY(mu_);
};

}  // namespace hostmon::agent
