// SPDX-License-Identifier: Apache-2.0
#include "collector/remote_write/queue.h"

#include <algorithm>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "collector/remote_write/encoding.h"
#include "common/backoff.h"
#include "common/log.h"

namespace hostmon::collector::remote_write {

namespace log = ::hostmon::common::log;

RemoteWriteMetrics::RemoteWriteMetrics(prometheus::Registry* r)
    : sent_(prometheus::BuildCounter()
                .Name("hostmon_collector_remote_write_samples_sent_total")
                .Help("Samples the remote write receiver accepted (2xx).")
                .Register(*r)),
      failed_(prometheus::BuildCounter()
                  .Name("hostmon_collector_remote_write_samples_failed_total")
                  .Help("Samples that will never reach the receiver: rejected with a non-retryable "
                        "4xx (reason http_4xx), or still queued at shutdown (reason shutdown).")
                  .Register(*r)),
      dropped_(prometheus::BuildCounter()
                   .Name("hostmon_collector_remote_write_samples_dropped_total")
                   .Help("Samples not queued because the queue was full (only without "
                         "wait_for_delivery).")
                   .Register(*r)),
      retries_(prometheus::BuildCounter()
                   .Name("hostmon_collector_remote_write_retries_total")
                   .Help("Requests retried after a recoverable error (5xx, 429, no response).")
                   .Register(*r)),
      queue_samples_(prometheus::BuildGauge()
                         .Name("hostmon_collector_remote_write_queue_samples")
                         .Help("Samples queued and not yet delivered.")
                         .Register(*r)),
      capacity_(prometheus::BuildGauge()
                    .Name("hostmon_collector_remote_write_queue_capacity_samples")
                    .Help("Configured queue capacity in samples.")
                    .Register(*r)),
      highest_sent_(prometheus::BuildGauge()
                        .Name("hostmon_collector_remote_write_highest_sent_timestamp_seconds")
                        .Help("Newest sample timestamp the receiver accepted so far.")
                        .Register(*r)),
      send_duration_(prometheus::BuildHistogram()
                         .Name("hostmon_collector_remote_write_send_duration_seconds")
                         .Help("Duration of remote write HTTP requests, including failed ones.")
                         .Register(*r)) {}

RemoteWriteMetrics::Receiver RemoteWriteMetrics::ForUrl(const std::string& url) {
  Receiver m;
  m.url = url;
  m.sent = &sent_.Add({{"url", url}});
  m.dropped = &dropped_.Add({{"url", url}});
  m.retries = &retries_.Add({{"url", url}});
  m.queue_samples = &queue_samples_.Add({{"url", url}});
  m.capacity = &capacity_.Add({{"url", url}});
  m.highest_sent = &highest_sent_.Add({{"url", url}});
  m.send_duration = &send_duration_.Add(
      {{"url", url}}, prometheus::Histogram::BucketBoundaries{0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                              0.5, 1, 2.5, 5, 10, 30});
  m.failed_family = &failed_;
  // Export the reasons as 0 from the start, so rate() and alerts see the series.
  for (const char* reason : {"http_4xx", "shutdown"}) m.Failed(reason);
  return m;
}

SampleQueue::SampleQueue(RemoteWriteConfig config, std::unique_ptr<Transport> transport,
                         RemoteWriteMetrics::Receiver metrics)
    : config_(std::move(config)), transport_(std::move(transport)), metrics_(metrics) {
  sleep_ = [this](absl::Duration d) { return DefaultSleep(d); };
  metrics_.capacity->Set(static_cast<double>(config_.capacity));
}

SampleQueue::~SampleQueue() { Stop(absl::ZeroDuration()); }

void SampleQueue::Start() {
  started_ = true;
  thread_ = std::thread([this] {
    Run();
    absl::MutexLock lock(&mu_);
    done_ = true;
  });
}

void SampleQueue::Stop(absl::Duration grace) {
  {
    absl::MutexLock lock(&mu_);
    if (!stopping_) {
      stopping_ = true;
      stop_deadline_ = absl::Now() + grace;
    }
  }
  if (thread_.joinable()) {
    absl::Time deadline;
    {
      absl::MutexLock lock(&mu_);
      deadline = stop_deadline_;
      // A request in flight at the end of the grace period gets a second to finish, then it is
      // aborted instead of waiting for remote_timeout.
      if (!mu_.AwaitWithDeadline(absl::Condition(&done_), deadline + absl::Seconds(1))) {
        transport_->Abort();
      }
    }
    thread_.join();
  }
  std::vector<AckHoldPtr> holds;
  std::vector<std::function<void()>> resumes;
  {
    absl::MutexLock lock(&mu_);
    if (queued_ > 0) {
      metrics_.Failed("shutdown").Increment(static_cast<double>(queued_));
      log::Warn(
          "remote write stopped with samples still queued; their batches stay unacknowledged "
          "in the agents' spools",
          log::Kv("url", metrics_.url) + log::Kv("samples", static_cast<int64_t>(queued_)));
    }
    for (Chunk& c : chunks_) {
      for (AckHoldPtr& h : c.holds) holds.push_back(std::move(h));
    }
    chunks_.clear();
    pending_keys_.clear();
    queued_ = 0;
    front_offset_ = 0;
    resumes.swap(waiters_);
    metrics_.queue_samples->Set(0);
  }
  // Shutdown order (streams first, then outputs) makes these acknowledgements go nowhere: the
  // undelivered batches are re-sent to the next collector by their agents.
  holds.clear();
  for (auto& r : resumes) r();
}

bool SampleQueue::Enqueue(std::shared_ptr<const EncodedBatch> batch, AckHoldPtr hold) {
  const size_t n = batch->series.size();
  absl::MutexLock lock(&mu_);
  if (stopping_) return false;
  if (!config_.wait_for_delivery && queued_ + n > config_.capacity) {
    metrics_.dropped->Increment(static_cast<double>(n));
    return false;
  }
  if (n == 0) return true;
  Chunk& c = chunks_.emplace_back();
  c.batch = std::move(batch);
  c.enqueued = absl::Now();
  if (config_.wait_for_delivery && hold != nullptr) {
    c.holds.push_back(std::move(hold));
    if (!c.batch->key.empty()) pending_keys_[c.batch->key] = &c;
  }
  queued_ += n;
  metrics_.queue_samples->Set(static_cast<double>(queued_));
  return true;
}

bool SampleQueue::HoldDuplicate(const std::string& key, AckHoldPtr hold) {
  absl::MutexLock lock(&mu_);
  auto it = pending_keys_.find(key);
  if (it == pending_keys_.end()) return false;
  it->second->holds.push_back(std::move(hold));
  return true;
}

bool SampleQueue::ReadyOrNotify(std::function<void()> resume) {
  absl::MutexLock lock(&mu_);
  if (!config_.wait_for_delivery || queued_ < config_.capacity || stopping_) return true;
  waiters_.push_back(std::move(resume));
  return false;
}

size_t SampleQueue::queued_samples() const {
  absl::MutexLock lock(&mu_);
  return queued_;
}

bool SampleQueue::DefaultSleep(absl::Duration d) {
  const absl::Time until = absl::Now() + d;
  absl::MutexLock lock(&mu_);
  // Wakes early only for Stop; then sleeps on to the earlier of the backoff's end and the end of
  // the grace period, and reports whether there is time left to try again.
  mu_.AwaitWithDeadline(absl::Condition(&stopping_), until);
  if (!stopping_) return true;
  const absl::Time end = std::min(until, stop_deadline_);
  mu_.Unlock();
  absl::SleepFor(end - absl::Now());
  mu_.Lock();
  return absl::Now() < stop_deadline_;
}

bool SampleQueue::SendReady() const {
  if (stopping_) return true;
  if (queued_ >= config_.max_samples_per_send) return true;
  return queued_ > 0 && absl::Now() - chunks_.front().enqueued >= config_.batch_send_deadline;
}

void SampleQueue::Run() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      // Wakes when a full request is queued or Stop (the Mutex re-evaluates the condition when
      // Enqueue releases it), or when the oldest sample reaches the batch deadline (timeout).
      while (!SendReady()) {
        absl::Duration wait = config_.batch_send_deadline;
        if (!chunks_.empty()) {
          wait = chunks_.front().enqueued + config_.batch_send_deadline - absl::Now();
        }
        mu_.AwaitWithTimeout(absl::Condition(this, &SampleQueue::SendReady),
                             std::max(wait, absl::Milliseconds(1)));
      }
      if (stopping_ && (queued_ == 0 || absl::Now() >= stop_deadline_)) return;
    }
    if (!SendOne()) return;
  }
}

bool SampleQueue::SendOne() {
  std::vector<const std::string*> series;
  std::vector<int64_t> timestamps;
  {
    absl::MutexLock lock(&mu_);
    size_t offset = front_offset_;
    for (const Chunk& c : chunks_) {
      const EncodedBatch& b = *c.batch;
      for (size_t i = offset; i < b.series.size() && series.size() < config_.max_samples_per_send;
           ++i) {
        series.push_back(&b.series[i]);
        timestamps.push_back(b.timestamps_ms[i]);
      }
      offset = 0;
      if (series.size() >= config_.max_samples_per_send) break;
    }
  }
  if (series.empty()) return true;
  // Only this thread removes chunks, so the strings stay put while the lock is released.
  size_t raw_size = 0;
  for (const std::string* s : series) raw_size += s->size() + 6;
  std::string raw;
  raw.reserve(raw_size);
  for (const std::string* s : series) AppendTimeSeries(*s, &raw);
  const std::string body = SnappyCompress(raw);

  int retries = 0;
  absl::BitGen rng;
  bool delivered = false;
  while (true) {
    absl::Time start = absl::Now();
    SendResult r = transport_->Post(body);
    metrics_.send_duration->Observe(absl::ToDoubleSeconds(absl::Now() - start));
    Outcome o = Classify(r);
    if (o == Outcome::kDelivered) {
      delivered = true;
      break;
    }
    if (o == Outcome::kRejected) {
      metrics_.Failed(FailureReason(r)).Increment(static_cast<double>(series.size()));
      log::Warn("remote write receiver rejected samples; they are dropped",
                log::Kv("url", metrics_.url) + log::Kv("status", r.http_status) +
                    log::Kv("samples", static_cast<int64_t>(series.size())) +
                    log::Kv("err", r.error));
      break;
    }
    // Jitter in [d/2, d] so that many collectors do not retry in lockstep after a receiver
    // restart (README "Remote write").
    absl::Duration wait = common::Jitter(
        common::ExponentialBackoff(++retries, config_.min_backoff, config_.max_backoff), 0.5, 1.0,
        absl::Uniform(rng, 0.0, 1.0));
    metrics_.retries->Increment();
    log::Warn("remote write failed; retrying",
              log::Kv("url", metrics_.url) + log::Kv("status", r.http_status) +
                  log::Kv("reason", FailureReason(r)) + log::Kv("err", r.error) +
                  log::Kv("backoff", absl::FormatDuration(wait)));
    if (!sleep_(wait)) return false;  // stopping: Stop() accounts for what is left
  }
  if (delivered) {
    metrics_.sent->Increment(static_cast<double>(series.size()));
    int64_t newest = *std::max_element(timestamps.begin(), timestamps.end());
    if (static_cast<double>(newest) / 1000.0 > metrics_.highest_sent->Value()) {
      metrics_.highest_sent->Set(static_cast<double>(newest) / 1000.0);
    }
  }
  std::vector<AckHoldPtr> holds;
  std::vector<std::function<void()>> resumes;
  {
    absl::MutexLock lock(&mu_);
    ConsumeLocked(series.size(), &holds, &resumes);
  }
  // Outside the lock: releasing a hold acknowledges batches to their streams.
  holds.clear();
  for (auto& resume : resumes) resume();
  return true;
}

void SampleQueue::ConsumeLocked(size_t n, std::vector<AckHoldPtr>* holds,
                                std::vector<std::function<void()>>* resumes) {
  queued_ -= n;
  while (n > 0 && !chunks_.empty()) {
    Chunk& c = chunks_.front();
    size_t left = c.batch->series.size() - front_offset_;
    if (n < left) {
      front_offset_ += n;
      break;
    }
    n -= left;
    for (AckHoldPtr& h : c.holds) holds->push_back(std::move(h));
    if (!c.batch->key.empty()) {
      auto it = pending_keys_.find(c.batch->key);
      if (it != pending_keys_.end() && it->second == &c) pending_keys_.erase(it);
    }
    chunks_.pop_front();
    front_offset_ = 0;
  }
  metrics_.queue_samples->Set(static_cast<double>(queued_));
  if (queued_ < config_.capacity) resumes->swap(waiters_);
}

}  // namespace hostmon::collector::remote_write
