// SPDX-License-Identifier: Apache-2.0
#include "collector/remote_write/encoding.h"

#include <algorithm>

#include "hostmon/prompb/remote_write.pb.h"
#include "snappy.h"

namespace hostmon::collector::remote_write {

LabelPairs MergeLabels(absl::string_view metric_name, const LabelPairs& series_labels,
                       const LabelPairs& host_labels) {
  LabelPairs out;
  out.reserve(1 + series_labels.size() + host_labels.size());
  // Host labels first: stable_sort keeps them ahead of a series label of the same name, and the
  // dedup below keeps the first of equal names.
  for (const auto& l : host_labels) out.push_back(l);
  for (const auto& l : series_labels) out.push_back(l);
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

void AppendTimeSeries(absl::string_view encoded_series, std::string* write_request) {
  write_request->push_back('\x0a');  // field 1 (timeseries), wire type 2 (length-delimited)
  uint64_t n = encoded_series.size();
  while (n >= 0x80) {
    write_request->push_back(static_cast<char>((n & 0x7f) | 0x80));
    n >>= 7;
  }
  write_request->push_back(static_cast<char>(n));
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
