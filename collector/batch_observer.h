// SPDX-License-Identifier: Apache-2.0
//
// The one way data leaves HostStore besides /metrics: consumers that must see every applied sample
// in arrival order (the rule engine evaluates on arrival; remote_write forwards replayed samples
// with their original timestamps) register a BatchObserver instead of polling the store.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "collector/label_pairs.h"
#include "hostmon/ingest/v1/ingest.pb.h"

namespace hostmon::collector {

// One sample of an applied batch. Pointers stay valid for the duration of the OnBatch call only.
struct AppliedSample {
  const std::string* family;  // metric name (the store passes its interned name: the samples
                              // of one family share the pointer)
  ::hostmon::ingest::v1::MetricType type;
  const LabelPairs* labels;  // the series' own labels, without the host's identity labels
  double value;
  int64_t timestamp_ms;  // the sample's original timestamp (collection time on the agent)
};

// The agent deletes a batch from its spool once the collector acknowledges it. An observer that
// takes over responsibility for a batch's samples (remote_write forwarding them to long-term
// storage) keeps a copy of the batch's AckHold until it has discharged that responsibility; the
// collector acknowledges the batch when the last copy is released. An observer that does not keep
// it lets the acknowledgement go out as soon as the store applied the batch.
class AckHold {
 public:
  virtual ~AckHold() = default;
};
using AckHoldPtr = std::shared_ptr<const AckHold>;

struct AppliedBatch {
  std::string host;        // the instance name
  LabelPairs host_labels;  // job, instance and the agent's static labels (win over series labels)
  uint64_t epoch = 0;      // the agent run's epoch; (host, epoch, sequence) identifies the batch
  uint64_t sequence = 0;
  bool replayed = false;  // sent from the agent's backlog, older than live data
  int64_t timestamp_ms = 0;
  absl::Time arrival;                  // collector clock when the batch was applied
  std::vector<AppliedSample> samples;  // exactly once: duplicates of applied batches never appear
  AckHoldPtr ack_hold;  // null when nobody waits for an acknowledgement (tests, tools)
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
  // A re-sent batch that was applied before (not passed to OnBatch again). An observer still
  // holding the original's acknowledgement keeps `hold` as well, so the re-send is not
  // acknowledged before the original's samples are delivered.
  virtual void OnDuplicate(absl::string_view host, uint64_t epoch, uint64_t sequence,
                           const AckHoldPtr& hold) {
    (void)host;
    (void)epoch;
    (void)sequence;
    (void)hold;
  }
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
