// SPDX-License-Identifier: Apache-2.0
//
// The collector's remote write output: every applied batch's samples, with their original
// timestamps, go to each configured receiver's queue (collector/remote_write/queue.h). With
// wait_for_delivery (the default) the agent's acknowledgement of a batch waits until every such
// receiver has it, and agent streams pause while a queue is full, so nothing the agents collected
// depends on collector memory (README "Remote write: durability").
#pragma once

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "collector/batch_observer.h"
#include "collector/ingest_flow_control.h"
#include "collector/remote_write/config.h"
#include "collector/remote_write/queue.h"
#include "prometheus/registry.h"

namespace hostmon::collector::remote_write {

class RemoteWriteOutput : public BatchObserver, public IngestFlowControl {
 public:
  using TransportFactory =
      std::function<absl::StatusOr<std::unique_ptr<Transport>>(const RemoteWriteConfig&)>;

  // Validates the configs and builds one queue per receiver (not started). `external_labels` are
  // added to every series sent (see MergeLabels for precedence).
  static absl::StatusOr<std::unique_ptr<RemoteWriteOutput>> Create(
      const std::vector<RemoteWriteConfig>& configs, prometheus::Registry* registry,
      TransportFactory transport_factory = MakeCurlTransport,
      const LabelPairs& external_labels = {});

  void Start();
  // Call after the agent streams ended (so late acknowledgements go nowhere).
  void Stop(absl::Duration grace);

  void OnBatch(const AppliedBatch& batch) override;
  void OnDuplicate(absl::string_view host, uint64_t epoch, uint64_t sequence,
                   const AckHoldPtr& hold) override;
  bool ReadyOrNotify(std::function<void()> resume) override;

  SampleQueue& queue(size_t i) { return *queues_[i]; }
  size_t queue_count() const { return queues_.size(); }

  // The batch identity used to match re-sends.
  static std::string BatchKey(absl::string_view host, uint64_t epoch, uint64_t sequence);
  // Encodes a batch's samples (labels merged and sorted, one TimeSeries per sample).
  static std::shared_ptr<const EncodedBatch> Encode(const AppliedBatch& batch,
                                                    const LabelPairs& external_labels = {});

 private:
  RemoteWriteOutput() = default;
  std::unique_ptr<RemoteWriteMetrics> metrics_;
  std::vector<std::unique_ptr<SampleQueue>> queues_;
  LabelPairs external_labels_;
};

}  // namespace hostmon::collector::remote_write
