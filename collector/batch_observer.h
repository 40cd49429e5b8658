// SPDX-License-Identifier: Apache-2.0
//
// The one way data leaves HostStore besides /metrics: consumers that must see every applied sample
// in arrival order (the rule engine evaluates on arrival; remote_write forwards replayed samples
// with their original timestamps) register a BatchObserver instead of polling the store.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "hostmon/ingest/v1/ingest.pb.h"

namespace hostmon::collector {

using LabelPairs = std::vector<std::pair<std::string, std::string>>;

// One sample of an applied batch. Pointers stay valid for the duration of the OnBatch call only.
struct AppliedSample {
  const std::string* family;  // metric name
  ::hostmon::ingest::v1::MetricType type;
  const LabelPairs* labels;  // the series' own labels, without the host's identity labels
  double value;
  int64_t timestamp_ms;  // the sample's original timestamp (collection time on the agent)
};

struct AppliedBatch {
  std::string host;        // the instance name
  LabelPairs host_labels;  // job, instance and the agent's static labels (win over series labels)
  uint64_t sequence = 0;
  bool replayed = false;  // sent from the agent's backlog, older than live data
  int64_t timestamp_ms = 0;
  absl::Time arrival;                  // collector clock when the batch was applied
  std::vector<AppliedSample> samples;  // exactly once: duplicates of applied batches never appear
};

enum class HostEvent {
  kConnected,   // a stream said hello
  kGoodbye,     // the agent shut down deliberately (sent a goodbye)
  kStreamLost,  // the stream ended without a goodbye: crash, network, killed agent
  kDrained,     // the collector itself closed the stream (collector shutdown)
};

absl::string_view HostEventName(HostEvent event);

class BatchObserver {
 public:
  virtual ~BatchObserver() = default;
  // Called once per applied, non-duplicate batch, after the store released its lock, on the
  // stream's thread; batches of one stream arrive in order. Must not block: queue and return.
  virtual void OnBatch(const AppliedBatch& batch) = 0;
  // Stream lifecycle of a host, for host-down detection.
  virtual void OnHostEvent(absl::string_view host, const LabelPairs& host_labels, HostEvent event,
                           absl::Time when) {
    (void)host;
    (void)host_labels;
    (void)event;
    (void)when;
  }
};

}  // namespace hostmon::collector
