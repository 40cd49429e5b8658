// SPDX-License-Identifier: Apache-2.0
#include "agent/transport/batch_queue.h"

#include <catch2/catch.hpp>

namespace hostmon::agent {
namespace {

std::shared_ptr<const CollectedBatch> MakeBatch(uint64_t seq, size_t samples) {
  auto b = std::make_shared<CollectedBatch>();
  b->sequence = seq;
  b->refs.assign(samples, 0);
  b->values.assign(samples, 1.0);
  return b;
}

TEST_CASE("BatchQueue re-sends unacknowledged batches on a new stream", "[agent][queue]") {
  BatchQueue q(10);
  q.Push(MakeBatch(1, 3));
  q.Push(MakeBatch(2, 3));
  CHECK(q.NextUnsent()->sequence == 1);
  CHECK(q.NextUnsent()->sequence == 2);
  CHECK(q.NextUnsent() == nullptr);
  uint64_t acked[] = {1};
  q.Ack(acked);
  q.ResetSent();
  auto again = q.NextUnsent();
  REQUIRE(again != nullptr);
  CHECK(again->sequence == 2);
  CHECK(q.stats().acked_batches == 1);
  CHECK(q.stats().queued_batches == 1);
}

TEST_CASE("BatchQueue drops the oldest when full and counts it", "[agent][queue]") {
  BatchQueue q(2);
  q.Push(MakeBatch(1, 5));
  q.Push(MakeBatch(2, 7));
  q.Push(MakeBatch(3, 11));
  BatchQueue::Stats s = q.stats();
  CHECK(s.dropped_batches == 1);
  CHECK(s.dropped_samples == 5);
  CHECK(s.queued_batches == 2);
  CHECK(q.NextUnsent()->sequence == 2);
}

TEST_CASE("BatchQueue ignores unknown acks and forgets rejected batches", "[agent][queue]") {
  BatchQueue q(4);
  q.Push(MakeBatch(7, 1));
  uint64_t unknown[] = {99, 100};
  q.Ack(unknown);
  CHECK(q.stats().queued_batches == 1);
  q.Reject(7);
  CHECK(q.empty());
  CHECK(q.stats().rejected_batches == 1);
}

}  // namespace
}  // namespace hostmon::agent
