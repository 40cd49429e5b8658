// SPDX-License-Identifier: Apache-2.0
//
// libFuzzer target for the collector's batch application: what agents stream is decoded as a
// sequence of AgentMessage protobufs and applied in process to a HostStore the way the ingest
// service's stream reactor does (collector/ingest_service.cc, Handle): Hello attaches a stream,
// Batch is validated and applied, Goodbye and the end of a stream detach it. No gRPC: the point
// is the validation and bookkeeping of hostile messages, not the transport.
//
// Input: records of [control byte][payload length, 2 bytes little-endian][payload]. The control
// byte picks one of four concurrent streams (bits 0-1), ends that stream before the message (bit
// 2), advances the clock by 10-40 s (bit 3, amount in bits 4-5) so that staleness and expiry run,
// and writes the /metrics exposition after the message (bit 6). At the end every stream ends and
// the exposition, host list and per-host expositions are written.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "collector/host_store.h"
#include "google/protobuf/stubs/logging.h"
#include "hostmon/ingest/v1/ingest.pb.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fuzz/fuzz_common.h"

namespace pb = ::hostmon::ingest::v1;
using hostmon::collector::HostStore;
using hostmon::collector::StreamState;

namespace {

constexpr int kStreams = 4;

void AppendRecord(uint8_t control, const pb::AgentMessage& m, std::string* out) {
  const std::string payload = m.SerializeAsString();
  out->push_back(static_cast<char>(control));
  out->push_back(static_cast<char>(payload.size() & 0xff));
  out->push_back(static_cast<char>((payload.size() >> 8) & 0xff));
  *out += payload;
}

pb::AgentMessage Hello(const std::string& host, uint64_t epoch) {
  pb::AgentMessage m;
  pb::Hello* h = m.mutable_hello();
  h->set_host_name(host);
  h->set_agent_version("0.1.0");
  h->set_epoch(epoch);
  h->set_collection_interval_ms(15000);
  pb::Label* l = h->add_static_labels();
  l->set_name("dc");
  l->set_value("fra1");
  return m;
}

pb::AgentMessage Batch(uint64_t seq, bool defs) {
  pb::AgentMessage m;
  pb::Batch* b = m.mutable_batch();
  b->set_sequence(seq);
  b->set_timestamp_ms(1700000000000 + static_cast<int64_t>(seq) * 15000);
  if (defs) {
    pb::FamilyDef* f = b->add_family_defs();
    f->set_ref(1);
    f->set_name("node_load1");
    f->set_type(pb::METRIC_TYPE_GAUGE);
    f->set_help("1m load average.");
    pb::FamilyDef* c = b->add_family_defs();
    c->set_ref(2);
    c->set_name("node_cpu_seconds_total");
    c->set_type(pb::METRIC_TYPE_COUNTER);
    c->set_help("Seconds the CPUs spent in each mode.");
    pb::SeriesDef* s = b->add_series_defs();
    s->set_ref(1);
    s->set_family_ref(1);
    for (int cpu = 0; cpu < 2; ++cpu) {
      pb::SeriesDef* sc = b->add_series_defs();
      sc->set_ref(static_cast<uint32_t>(2 + cpu));
      sc->set_family_ref(2);
      pb::Label* l = sc->add_labels();
      l->set_name("cpu");
      l->set_value(std::to_string(cpu));
      l = sc->add_labels();
      l->set_name("mode");
      l->set_value("idle");
    }
  }
  for (uint32_t ref = 1; ref <= 3; ++ref) {
    b->add_series_refs(ref);
    b->add_values(static_cast<double>(seq * ref));
    b->add_sample_timestamp_offsets_ms(0);
  }
  return m;
}

pb::AgentMessage Goodbye() {
  pb::AgentMessage m;
  m.mutable_goodbye()->set_reason("shutdown");
  return m;
}

std::vector<std::string> Seeds() {
  std::string one;  // one host: hello, batches (one resent), goodbye
  AppendRecord(0, Hello("host-a", 1), &one);
  AppendRecord(0x40, Batch(1, true), &one);
  AppendRecord(0x08, Batch(2, false), &one);
  AppendRecord(0x00, Batch(2, false), &one);
  AppendRecord(0x40, Goodbye(), &one);
  std::string two;  // two streams of one host, then a reconnect with a new epoch
  AppendRecord(0, Hello("host-a", 1), &two);
  AppendRecord(1, Hello("host-a", 1), &two);
  AppendRecord(0, Batch(1, true), &two);
  AppendRecord(1, Batch(1, true), &two);
  AppendRecord(2, Hello("host-b", 7), &two);
  AppendRecord(2, Batch(5, true), &two);
  AppendRecord(0x3c, Hello("host-a", 2), &two);
  AppendRecord(0x40, Batch(1, true), &two);
  return {one, two};
}

class Harness {
 public:
  Harness() : store_(Options(), &clock_) {}
  ~Harness() {
    for (StreamState& s : streams_) End(s);
  }

  void Handle(uint8_t control, absl::string_view payload) {
    StreamState& stream = streams_[control % kStreams];
    if (control & 0x04) End(stream);
    if (control & 0x08) clock_.Advance(absl::Seconds(10 * (1 + ((control >> 4) & 3))));
    pb::AgentMessage m;
    if (!m.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) return;
    switch (m.kind_case()) {
      case pb::AgentMessage::kHello:
        if (!stream.attached) (void)store_.Attach(m.hello(), &stream);
        break;
      case pb::AgentMessage::kBatch:
        if (stream.attached) (void)store_.Apply(m.batch(), &stream);
        break;
      case pb::AgentMessage::kGoodbye:
        stream.goodbye = true;
        End(stream);
        break;
      default:
        break;
    }
    if (control & 0x40) Expose();
  }

  void Expose() {
    std::string out;
    store_.WriteExposition(&out);
    for (const auto& host : store_.Hosts()) {
      std::string one;
      (void)store_.WriteHostExposition(host.instance, &one);
    }
    (void)store_.connected_streams();
    (void)store_.host_count();
  }

 private:
  static hostmon::collector::HostStoreOptions Options() {
    hostmon::collector::HostStoreOptions o;
    // Small limits, so that inputs of a few KB reach them.
    o.max_series_per_host = 64;
    o.max_labels_per_series = 8;
    o.max_label_value_bytes = 64;
    o.max_gone_hosts = 4;
    o.gone_retention = absl::Minutes(5);
    return o;
  }

  void End(StreamState& stream) {
    if (stream.attached) store_.Detach(&stream);
    stream = StreamState{};
  }

  hostmon::testing::FakeClock clock_;
  HostStore store_;
  StreamState streams_[kStreams];
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  hostmon::fuzz::Initialize({{"", {}, false, Seeds()}});
  // libprotobuf logs every string field with invalid UTF-8 it refuses to parse; the parse
  // failing is what matters here.
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Harness h;
  size_t pos = 0;
  while (pos + 3 <= size) {
    const uint8_t control = data[pos];
    const size_t len = static_cast<size_t>(data[pos + 1]) | static_cast<size_t>(data[pos + 2]) << 8;
    pos += 3;
    const size_t take = std::min(len, size - pos);
    h.Handle(control, absl::string_view(reinterpret_cast<const char*>(data + pos), take));
    pos += take;
  }
  h.Expose();
  return 0;
}
