// SPDX-License-Identifier: Apache-2.0
//
// A SampleWriter for source tests: keeps every sample as one exposition-like key
// (`name{a="x",b="y"}`, labels in the order the source wrote them) so that a test can assert
// exact series, plus each family's type and help.
#pragma once

#include <map>
#include <string>

#include "agent/source.h"

namespace hostmon::agent {

class SampleRecorder : public SampleWriter {
 public:
  struct Family {
    MetricType type;
    std::string help;
  };

  void Add(const MetricDesc& desc, LabelSpan labels, double value) override {
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
    samples[key] = value;
    families[std::string(desc.name)] = Family{desc.type, std::string(desc.help)};
    types[std::string(desc.name)] = desc.type;
    helps[std::string(desc.name)] = std::string(desc.help);
  }

  // Value of a series; -12345 when absent, so a missing series fails equality checks loudly.
  double Get(const std::string& key) const {
    auto it = samples.find(key);
    return it == samples.end() ? -12345 : it->second;
  }
  bool Has(const std::string& key) const { return samples.count(key) != 0; }

  std::map<std::string, double> samples;
  std::map<std::string, MetricType> types;
  std::map<std::string, std::string> helps;
  std::map<std::string, Family> families;
  size_t adds = 0;
};

}  // namespace hostmon::agent

namespace hostmon::testing {
using RecordingSampleWriter = agent::SampleRecorder;
}  // namespace hostmon::testing
