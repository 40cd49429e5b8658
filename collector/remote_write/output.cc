// SPDX-License-Identifier: Apache-2.0
#include "collector/remote_write/output.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "collector/remote_write/encoding.h"

namespace hostmon::collector::remote_write {

absl::StatusOr<std::unique_ptr<RemoteWriteOutput>> RemoteWriteOutput::Create(
    const std::vector<RemoteWriteConfig>& configs, prometheus::Registry* registry,
    TransportFactory transport_factory, const LabelPairs& external_labels) {
  if (absl::Status s = ValidateExternalLabels(external_labels); !s.ok()) return s;
  std::unique_ptr<RemoteWriteOutput> out(new RemoteWriteOutput());
  out->external_labels_ = external_labels;
  out->metrics_ = std::make_unique<RemoteWriteMetrics>(registry);
  for (const RemoteWriteConfig& c : configs) {
    if (absl::Status s = ValidateRemoteWriteConfig(c); !s.ok()) return s;
    auto t = transport_factory(c);
    if (!t.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("remote_write ", c.DisplayName(), ": ", t.status().message()));
    }
    out->queues_.push_back(
        std::make_unique<SampleQueue>(c, std::move(*t), out->metrics_->ForUrl(c.DisplayName())));
  }
  return out;
}

void RemoteWriteOutput::Start() {
  for (auto& q : queues_) q->Start();
}

void RemoteWriteOutput::Stop(absl::Duration grace) {
  // One grace period for all receivers, not one each.
  std::vector<std::thread> stoppers;
  for (auto& q : queues_) stoppers.emplace_back([&q, grace] { q->Stop(grace); });
  for (auto& t : stoppers) t.join();
}

std::string RemoteWriteOutput::BatchKey(absl::string_view host, uint64_t epoch, uint64_t sequence) {
  return absl::StrCat(host, "\xff", epoch, "\xff", sequence);
}

std::shared_ptr<const EncodedBatch> RemoteWriteOutput::Encode(const AppliedBatch& batch,
                                                              const LabelPairs& external_labels) {
  auto e = std::make_shared<EncodedBatch>();
  e->key = BatchKey(batch.host, batch.epoch, batch.sequence);
  e->series.reserve(batch.samples.size());
  e->timestamps_ms.reserve(batch.samples.size());
  for (const AppliedSample& s : batch.samples) {
    e->series.push_back(EncodeSample(*s.family, *s.labels, batch.host_labels, s.value,
                                     s.timestamp_ms, external_labels));
    e->timestamps_ms.push_back(s.timestamp_ms);
  }
  return e;
}

void RemoteWriteOutput::OnBatch(const AppliedBatch& batch) {
  if (queues_.empty()) return;
  std::shared_ptr<const EncodedBatch> encoded = Encode(batch, external_labels_);
  for (auto& q : queues_) q->Enqueue(encoded, batch.ack_hold);
}

void RemoteWriteOutput::OnDuplicate(absl::string_view host, uint64_t epoch, uint64_t sequence,
                                    const AckHoldPtr& hold) {
  if (hold == nullptr) return;
  const std::string key = BatchKey(host, epoch, sequence);
  for (auto& q : queues_) q->HoldDuplicate(key, hold);
}

bool RemoteWriteOutput::ReadyOrNotify(std::function<void()> resume) {
  for (auto& q : queues_) {
    // When this queue has room again, check the others before resuming the stream.
    auto recheck = [this, resume] {
      if (ReadyOrNotify(resume)) resume();
    };
    if (!q->ReadyOrNotify(recheck)) return false;
  }
  return true;
}

}  // namespace hostmon::collector::remote_write
