// SPDX-License-Identifier: Apache-2.0
//
// Remote write encoding throughput (hidden tag: not part of the test run). Run:
//   build/tests/hostmon_unit_tests "[.bench][remote_write_bench]"
// Prints samples/s for the collector's per-batch work (label merge + sort + TimeSeries encoding,
// on the stream thread) and per-request work (concatenation + snappy, on the sender thread), and
// the request sizes. Figures, not asserts (README "Remote write: benchmarks").
#include <catch2/catch.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "collector/remote_write/encoding.h"
#include "collector/remote_write/output.h"

namespace hostmon::collector::remote_write {
namespace {

TEST_CASE("remote write encode + compress throughput", "[.bench][remote_write_bench]") {
  // A node_exporter-like host: 1,000 series in 10 families, 2-3 labels each, values varying.
  std::vector<std::string> families;
  for (int f = 0; f < 10; ++f) families.push_back("node_family_" + std::to_string(f) + "_total");
  std::vector<LabelPairs> labels;
  for (int i = 0; i < 1000; ++i) {
    labels.push_back({{"cpu", std::to_string(i % 64)},
                      {"mode", i % 2 ? "idle" : "user"},
                      {"device", "dev" + std::to_string(i / 64)}});
  }
  AppliedBatch batch;
  batch.host = "web-042.fra1.example.net";
  batch.host_labels = {{"instance", batch.host}, {"job", "node"}, {"dc", "fra1"}};
  batch.epoch = 1;
  batch.sequence = 1;
  for (int i = 0; i < 1000; ++i) {
    batch.samples.push_back(AppliedSample{&families[i % 10],
                                          ::hostmon::ingest::v1::METRIC_TYPE_COUNTER, &labels[i],
                                          12345.678 + i * 0.25, 1700000000000 + i});
  }

  const int kBatches = 200;  // 200,000 samples
  std::vector<std::shared_ptr<const EncodedBatch>> encoded;
  absl::Time t0 = absl::Now();
  for (int b = 0; b < kBatches; ++b) encoded.push_back(RemoteWriteOutput::Encode(batch));
  double encode_s = absl::ToDoubleSeconds(absl::Now() - t0);

  for (size_t per_send : {500u, 2000u, 10000u}) {
    size_t raw_bytes = 0, wire_bytes = 0, requests = 0;
    std::string raw;
    absl::Time t1 = absl::Now();
    size_t n = 0;
    for (const auto& e : encoded) {
      for (const std::string& s : e->series) {
        AppendTimeSeries(s, &raw);
        if (++n == per_send) {
          std::string body = SnappyCompress(raw);
          raw_bytes += raw.size();
          wire_bytes += body.size();
          requests++;
          raw.clear();
          n = 0;
        }
      }
    }
    double build_s = absl::ToDoubleSeconds(absl::Now() - t1);
    double samples = static_cast<double>(kBatches) * 1000;
    std::printf(
        "remote_write: %.0f samples; encode (merge+sort+protobuf) %.2f M samples/s; "
        "request build+snappy at %zu samples/request %.2f M samples/s; request %.0f KiB raw, "
        "%.0f KiB snappy (%.1f B/sample on the wire, ratio %.1f)\n",
        samples, samples / encode_s / 1e6, per_send, samples / build_s / 1e6,
        static_cast<double>(raw_bytes) / static_cast<double>(requests) / 1024,
        static_cast<double>(wire_bytes) / static_cast<double>(requests) / 1024,
        static_cast<double>(wire_bytes) / samples,
        static_cast<double>(raw_bytes) / static_cast<double>(wire_bytes));
  }
  BENCHMARK("Encode one 1,000-sample batch") { return RemoteWriteOutput::Encode(batch); };
}

}  // namespace
}  // namespace hostmon::collector::remote_write
