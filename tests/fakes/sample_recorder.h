// SPDX-License-Identifier: Apache-2.0
//
// The SampleWriters for tests: SampleRecorder keeps every sample as one exposition-like key
// (`name{a="x",b="y"}`, labels in the order the source wrote them) so that a test can assert
// exact series, plus each family's type and help; NullWriter only counts (allocation tests).
#pragma once

#include <catch2/catch.hpp>
#include <cstddef>
#include <map>
#include <sstream>
#include <string>

#include "agent/source.h"

// Prints sample maps one series per line, so that a failed comparison shows the difference.
// (Here, in the one header every source test includes: a specialization seen by only some
// translation units would break the one-definition rule.)
namespace Catch {
template <>
struct StringMaker<std::map<std::string, double>> {
  static std::string convert(const std::map<std::string, double>& samples) {
    std::ostringstream out;
    out.precision(17);
    for (const auto& [series, value] : samples) out << "\n  " << series << " " << value;
    return out.str();
  }
};
}  // namespace Catch

namespace hostmon::testing {

class SampleRecorder : public agent::SampleWriter {
 public:
  void Add(const agent::MetricDesc& desc, agent::LabelSpan labels, double value) override {
    std::string key(desc.name);
    if (!labels.empty()) {
      key.push_back('{');
      for (size_t i = 0; i < labels.size(); ++i) {
        if (i > 0) key.push_back(',');
        key.append(labels[i].name.data(), labels[i].name.size());
        key.append("=\"");
        key.append(labels[i].value.data(), labels[i].value.size());
        key.push_back('"');
      }
      key.push_back('}');
    }
    ++adds;
    ++writes[key];
    samples[key] = value;
    types[std::string(desc.name)] = desc.type;
    help[std::string(desc.name)] = std::string(desc.help);
  }

  // Value of a series; -12345 when absent, so a missing series fails equality checks loudly.
  double Get(const std::string& key) const {
    auto it = samples.find(key);
    return it == samples.end() ? -12345 : it->second;
  }
  bool Has(const std::string& key) const { return samples.count(key) != 0; }
  // Number of series whose key starts with `prefix`.
  size_t Count(const std::string& prefix) const {
    size_t n = 0;
    for (const auto& [key, value] : samples) n += key.rfind(prefix, 0) == 0;
    return n;
  }

  std::map<std::string, double> samples;           // series key -> last value
  std::map<std::string, int> writes;               // series key -> times written (>1: a duplicate)
  std::map<std::string, agent::MetricType> types;  // family name -> type
  std::map<std::string, std::string> help;         // family name -> help
  size_t adds = 0;                                 // Add calls
};

// One collection into a fresh recorder; fails the test unless Collect returns OK.
inline SampleRecorder CollectOk(agent::Source& source) {
  SampleRecorder rec;
  const absl::Status status = source.Collect(rec);
  INFO(status.ToString());
  REQUIRE(status.ok());
  return rec;
}

// Keeps nothing: what a steady-state allocation test writes into.
class NullWriter : public agent::SampleWriter {
 public:
  void Add(const agent::MetricDesc&, agent::LabelSpan, double) override { ++adds; }
  size_t adds = 0;
};

}  // namespace hostmon::testing
