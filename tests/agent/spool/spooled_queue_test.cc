// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "agent/transport/batch_queue.h"

namespace hostmon::agent {
namespace {

std::shared_ptr<const CollectedBatch> MakeBatch(uint64_t seq, size_t samples) {
  auto b = std::make_shared<CollectedBatch>();
  b->sequence = seq;
  b->refs.assign(samples, 0);
  b->values.assign(samples, 1.0);
  return b;
}

TEST_CASE("BatchQueue releases spooled batches without counting a loss", "[spool][queue]") {
  BatchQueue q(2);
  q.Push(MakeBatch(1, 3), true);
  q.Push(MakeBatch(2, 3), true);
  q.Push(MakeBatch(3, 3), true);  // full: 1 leaves memory but stays in the spool
  BatchQueue::Stats s = q.stats();
  CHECK(s.dropped_batches == 0);
  CHECK(s.dropped_samples == 0);
  CHECK(s.spilled_batches == 1);
  CHECK(q.NextUnsent()->sequence == 2);
  // A new stream: spooled batches become backlog (replayed from disk), memory keeps the rest.
  q.Push(MakeBatch(4, 3), false);
  q.ReleaseSpooled();
  q.ResetSent();
  CHECK(q.HasUnsent());
  CHECK(q.NextUnsent()->sequence == 4);
  CHECK_FALSE(q.HasUnsent());
  CHECK(q.stats().spilled_batches == 3);
  // An unspooled batch pushed out of a full queue is a real loss.
  BatchQueue m(1);
  m.Push(MakeBatch(1, 5), false);
  m.Push(MakeBatch(2, 5), true);
  CHECK(m.stats().dropped_batches == 1);
  CHECK(m.stats().dropped_samples == 5);
}

TEST_CASE("BatchQueue tells whether a batch is spooled and discards without counting",
          "[spool][queue]") {
  BatchQueue q(4);
  q.Push(MakeBatch(1, 3), true);
  q.Push(MakeBatch(2, 3), false);
  bool spooled = false;
  CHECK(q.NextUnsent(&spooled)->sequence == 1);
  CHECK(spooled);
  CHECK(q.NextUnsent(&spooled)->sequence == 2);
  CHECK_FALSE(spooled);
  q.Discard(1);  // the spool's cap dropped and counted it
  BatchQueue::Stats s = q.stats();
  CHECK(s.queued_batches == 1);
  CHECK(s.dropped_batches == 0);
  CHECK(s.acked_batches == 0);
  CHECK(s.rejected_batches == 0);
}

}  // namespace
}  // namespace hostmon::agent
