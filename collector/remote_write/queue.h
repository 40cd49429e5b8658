// SPDX-License-Identifier: Apache-2.0
//
// One remote write receiver: a bounded queue of encoded samples and ONE sender thread.
//
// Why one sender and not Prometheus's resharding pool: hostmon's volume is small by Prometheus
// standards (1,000 hosts x 1,000 series every 15 s is 67k samples/s; encoding and compressing
// them takes a few percent of one core, see README Benchmarks), one request in flight keeps every
// series in timestamp order without sharding by series hash, and a single cursor makes "which
// batches are delivered" — what agent acknowledgements wait for — a simple prefix of the queue. The
// ceiling is max_samples_per_send per receiver round trip (2,000 samples / 20 ms = 100k samples/s).
//
// Samples are delivered in arrival order. A request that fails with a recoverable error (5xx,
// 429, no response) is retried, with exponential backoff and jitter, until it succeeds: like
// Prometheus, the queue never skips data the receiver may still accept. A request rejected with
// another 4xx is counted as failed and dropped. Either way the batches it completed release their
// acknowledgement holds.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "collector/batch_observer.h"
#include "collector/remote_write/config.h"
#include "collector/remote_write/transport.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace hostmon::collector::remote_write {

// A batch's samples, encoded once and shared by every receiver's queue.
struct EncodedBatch {
  std::string key;                  // host/epoch/sequence, to find a batch re-sent by its agent
  std::vector<std::string> series;  // serialized TimeSeries, one sample each
  std::vector<int64_t> timestamps_ms;
};

// hostmon_collector_remote_write_* families; one child per receiver (label url).
class RemoteWriteMetrics {
 public:
  explicit RemoteWriteMetrics(prometheus::Registry* registry);
  struct Receiver {
    prometheus::Counter* sent;
    prometheus::Counter* dropped;
    prometheus::Counter* retries;
    prometheus::Gauge* queue_samples;
    prometheus::Gauge* capacity;
    prometheus::Gauge* highest_sent;
    prometheus::Histogram* send_duration;
    prometheus::Family<prometheus::Counter>* failed_family;
    std::string url;
    prometheus::Counter& Failed(const std::string& reason) {
      return failed_family->Add({{"url", url}, {"reason", reason}});
    }
  };
  Receiver ForUrl(const std::string& url);

 private:
  prometheus::Family<prometheus::Counter>& sent_;
  prometheus::Family<prometheus::Counter>& failed_;
  prometheus::Family<prometheus::Counter>& dropped_;
  prometheus::Family<prometheus::Counter>& retries_;
  prometheus::Family<prometheus::Gauge>& queue_samples_;
  prometheus::Family<prometheus::Gauge>& capacity_;
  prometheus::Family<prometheus::Gauge>& highest_sent_;
  prometheus::Family<prometheus::Histogram>& send_duration_;
};

class SampleQueue {
 public:
  // `sleep` waits for a backoff; tests inject one that records and returns at once. It returns
  // false when the queue is stopping.
  using SleepFn = std::function<bool(absl::Duration)>;

  SampleQueue(RemoteWriteConfig config, std::unique_ptr<Transport> transport,
              RemoteWriteMetrics::Receiver metrics);
  ~SampleQueue();

  void set_sleep_for_test(SleepFn sleep) { sleep_ = std::move(sleep); }
  void Start();
  // Sends what is queued for up to `grace` (retries included), then stops the sender. Samples
  // still queued are counted as failed{reason="shutdown"}; their batches are not acknowledged.
  void Stop(absl::Duration grace) ABSL_LOCKS_EXCLUDED(mu_);

  // Queues a batch. With wait_for_delivery the batch is always admitted (streams pause while the
  // queue is at capacity, so it overshoots by at most one batch per stream) and `hold` is kept
  // until its samples are delivered; otherwise a batch that does not fit is dropped and counted,
  // and `hold` is not kept. Returns false when dropped.
  bool Enqueue(std::shared_ptr<const EncodedBatch> batch, AckHoldPtr hold) ABSL_LOCKS_EXCLUDED(mu_);
  // A re-send of a batch still queued here: its acknowledgement waits for the original.
  bool HoldDuplicate(const std::string& key, AckHoldPtr hold) ABSL_LOCKS_EXCLUDED(mu_);
  // IngestFlowControl, for this queue.
  bool ReadyOrNotify(std::function<void()> resume) ABSL_LOCKS_EXCLUDED(mu_);

  size_t queued_samples() const ABSL_LOCKS_EXCLUDED(mu_);
  const RemoteWriteConfig& config() const { return config_; }

 private:
  struct Chunk {
    std::shared_ptr<const EncodedBatch> batch;
    std::vector<AckHoldPtr> holds;
    absl::Time enqueued;
  };

  void Run();
  bool SendReady() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Sends one request's worth; false when stopping made it give up.
  bool SendOne() ABSL_LOCKS_EXCLUDED(mu_);
  bool DefaultSleep(absl::Duration d) ABSL_LOCKS_EXCLUDED(mu_);
  // Removes the first n samples from the queue; returns what to release outside the lock.
  void ConsumeLocked(size_t n, std::vector<AckHoldPtr>* holds,
                     std::vector<std::function<void()>>* resumes)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const RemoteWriteConfig config_;
  std::unique_ptr<Transport> transport_;
  RemoteWriteMetrics::Receiver metrics_;
  SleepFn sleep_;
  std::thread thread_;

  mutable absl::Mutex mu_;
  std::deque<Chunk> chunks_ ABSL_GUARDED_BY(mu_);
  size_t front_offset_ ABSL_GUARDED_BY(mu_) = 0;  // samples of chunks_.front() already sent
  size_t queued_ ABSL_GUARDED_BY(mu_) = 0;        // samples not yet delivered (incl. in flight)
  // Queued batches by key (std::deque keeps element addresses across push_back/pop_front).
  absl::flat_hash_map<std::string, Chunk*> pending_keys_ ABSL_GUARDED_BY(mu_);
  std::vector<std::function<void()>> waiters_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool done_ ABSL_GUARDED_BY(mu_) = false;  // the sender thread ended
  absl::Time stop_deadline_ ABSL_GUARDED_BY(mu_) = absl::InfiniteFuture();
  bool started_ = false;
};

}  // namespace hostmon::collector::remote_write
