// SPDX-License-Identifier: Apache-2.0
#include "agent/transport/batch_queue.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/log.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kQueued{"hostmon_agent_queue_batches", kGauge,
                             "Batches waiting for the collector's acknowledgement."};
constexpr MetricDesc kDroppedBatches{
    "hostmon_agent_dropped_batches_total", kCounter,
    "Batches dropped because the send queue was full (oldest first)."};
constexpr MetricDesc kDroppedSamples{"hostmon_agent_dropped_samples_total", kCounter,
                                     "Samples in batches dropped from the send queue."};

}  // namespace

void BatchQueue::Push(std::shared_ptr<const CollectedBatch> batch, bool spooled) {
  absl::MutexLock lock(&mu_);
  while (entries_.size() >= max_batches_) {
    if (entries_.front().spooled) {
      stats_.spilled_batches++;
      entries_.pop_front();
      continue;
    }
    const CollectedBatch& oldest = *entries_.front().batch;
    stats_.dropped_batches++;
    stats_.dropped_samples += oldest.values.size();
    common::log::Warn("send queue full, dropping oldest batch",
                      common::log::Kv("sequence", static_cast<int64_t>(oldest.sequence)) +
                          common::log::Kv("samples", static_cast<int64_t>(oldest.values.size())));
    entries_.pop_front();
  }
  entries_.push_back(Entry{std::move(batch), false, spooled});
}

void BatchQueue::ReleaseSpooled() {
  absl::MutexLock lock(&mu_);
  size_t before = entries_.size();
  entries_.erase(
      std::remove_if(entries_.begin(), entries_.end(), [](const Entry& e) { return e.spooled; }),
      entries_.end());
  stats_.spilled_batches += before - entries_.size();
}

std::shared_ptr<const CollectedBatch> BatchQueue::NextUnsent(bool* spooled) {
  absl::MutexLock lock(&mu_);
  for (Entry& e : entries_) {
    if (!e.sent) {
      e.sent = true;
      if (spooled != nullptr) *spooled = e.spooled;
      return e.batch;
    }
  }
  return nullptr;
}

bool BatchQueue::HasUnsent() const {
  absl::MutexLock lock(&mu_);
  for (const Entry& e : entries_) {
    if (!e.sent) return true;
  }
  return false;
}

void BatchQueue::ResetSent() {
  absl::MutexLock lock(&mu_);
  for (Entry& e : entries_) e.sent = false;
}

bool BatchQueue::Remove(uint64_t sequence) {
  // Acks normally arrive in order, so the front is the common case.
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->batch->sequence == sequence) {
      entries_.erase(it);
      return true;
    }
  }
  return false;
}

void BatchQueue::Ack(absl::Span<const uint64_t> sequences) {
  absl::MutexLock lock(&mu_);
  for (uint64_t seq : sequences) {
    if (Remove(seq)) stats_.acked_batches++;
  }
}

void BatchQueue::Reject(uint64_t sequence) {
  absl::MutexLock lock(&mu_);
  if (Remove(sequence)) stats_.rejected_batches++;
}

void BatchQueue::Discard(uint64_t sequence) {
  absl::MutexLock lock(&mu_);
  Remove(sequence);
}

BatchQueue::Stats BatchQueue::stats() const {
  absl::MutexLock lock(&mu_);
  Stats s = stats_;
  s.queued_batches = entries_.size();
  return s;
}

void BatchQueue::WriteTo(SampleWriter& w) {
  Stats q = stats();
  w.Add(kQueued, {}, static_cast<double>(q.queued_batches));
  w.Add(kDroppedBatches, {}, static_cast<double>(q.dropped_batches));
  w.Add(kDroppedSamples, {}, static_cast<double>(q.dropped_samples));
}

bool BatchQueue::empty() const {
  absl::MutexLock lock(&mu_);
  return entries_.empty();
}

}  // namespace hostmon::agent
