// SPDX-License-Identifier: Apache-2.0
#include "collector/remote_write/encoding.h"

#include <algorithm>
#include <cstring>

#include "absl/container/inlined_vector.h"
#include "hostmon/prompb/remote_write.pb.h"
#include "snappy.h"

namespace hostmon::collector::remote_write {

LabelPairs MergeLabels(absl::string_view metric_name, const LabelPairs& series_labels,
                       const LabelPairs& host_labels, const LabelPairs& external_labels) {
  LabelPairs out;
  out.reserve(1 + series_labels.size() + host_labels.size() + external_labels.size());
  // Host labels first: stable_sort keeps them ahead of a series label of the same name, and the
  // dedup below keeps the first of equal names.
  for (const auto& l : host_labels) out.push_back(l);
  for (const auto& l : series_labels) out.push_back(l);
  for (const auto& l : external_labels) out.push_back(l);
  out.emplace_back("__name__", std::string(metric_name));
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  auto last = std::unique(out.begin(), out.end(),
                          [](const auto& a, const auto& b) { return a.first == b.first; });
  out.erase(last, out.end());
  out.erase(std::remove_if(out.begin(), out.end(), [](const auto& l) { return l.second.empty(); }),
            out.end());
  return out;
}

std::string EncodeTimeSeries(const LabelPairs& sorted_labels, double value, int64_t timestamp_ms) {
  prompb::TimeSeries ts;
  for (const auto& [name, v] : sorted_labels) {
    prompb::Label* l = ts.add_labels();
    l->set_name(name);
    l->set_value(v);
  }
  prompb::Sample* s = ts.add_samples();
  s->set_value(value);
  s->set_timestamp(timestamp_ms);
  return ts.SerializeAsString();
}

namespace {

void PutVarint(uint64_t n, std::string* out) {
  while (n >= 0x80) {
    out->push_back(static_cast<char>((n & 0x7f) | 0x80));
    n >>= 7;
  }
  out->push_back(static_cast<char>(n));
}

size_t VarintSize(uint64_t n) {
  size_t s = 1;
  while (n >= 0x80) {
    n >>= 7;
    ++s;
  }
  return s;
}

// A length-delimited string field; proto3 leaves empty strings out.
void PutString(char tag, absl::string_view v, std::string* out) {
  if (v.empty()) return;
  out->push_back(tag);
  PutVarint(v.size(), out);
  out->append(v.data(), v.size());
}

size_t StringFieldSize(absl::string_view v) {
  return v.empty() ? 0 : 1 + VarintSize(v.size()) + v.size();
}

}  // namespace

std::string EncodeSample(absl::string_view metric_name, const LabelPairs& series_labels,
                         const LabelPairs& host_labels, double value, int64_t timestamp_ms,
                         const LabelPairs& external_labels) {
  using View = std::pair<absl::string_view, absl::string_view>;
  absl::InlinedVector<View, 16> labels;
  // Same merge as MergeLabels: host labels first so that they survive the dedup.
  for (const auto& [n, v] : host_labels) labels.emplace_back(n, v);
  for (const auto& [n, v] : series_labels) labels.emplace_back(n, v);
  for (const auto& [n, v] : external_labels) labels.emplace_back(n, v);
  labels.emplace_back("__name__", metric_name);
  std::stable_sort(labels.begin(), labels.end(),
                   [](const View& a, const View& b) { return a.first < b.first; });
  labels.erase(std::unique(labels.begin(), labels.end(),
                           [](const View& a, const View& b) { return a.first == b.first; }),
               labels.end());
  std::string out;
  size_t size = 32;
  for (const View& l : labels) size += 4 + l.first.size() + l.second.size();
  out.reserve(size);
  for (const View& l : labels) {
    if (l.second.empty()) continue;
    out.push_back('\x0a');  // TimeSeries.labels
    PutVarint(StringFieldSize(l.first) + StringFieldSize(l.second), &out);
    PutString('\x0a', l.first, &out);   // Label.name
    PutString('\x12', l.second, &out);  // Label.value
  }
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  const uint64_t ts = static_cast<uint64_t>(timestamp_ms);
  const size_t sample_size = (bits != 0 ? 9 : 0) + (ts != 0 ? 1 + VarintSize(ts) : 0);
  out.push_back('\x12');  // TimeSeries.samples
  PutVarint(sample_size, &out);
  if (bits != 0) {
    out.push_back('\x09');  // Sample.value, fixed64
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
  }
  if (ts != 0) {
    out.push_back('\x10');  // Sample.timestamp, varint
    PutVarint(ts, &out);
  }
  return out;
}

void AppendTimeSeries(absl::string_view encoded_series, std::string* write_request) {
  write_request->push_back('\x0a');  // field 1 (timeseries), wire type 2 (length-delimited)
  PutVarint(encoded_series.size(), write_request);
  write_request->append(encoded_series.data(), encoded_series.size());
}

std::string SnappyCompress(absl::string_view raw) {
  std::string out;
  snappy::Compress(raw.data(), raw.size(), &out);
  return out;
}

absl::StatusOr<std::string> SnappyUncompress(absl::string_view compressed) {
  std::string out;
  if (!snappy::Uncompress(compressed.data(), compressed.size(), &out)) {
    return absl::InvalidArgumentError("invalid snappy block");
  }
  return out;
}

}  // namespace hostmon::collector::remote_write
