// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <map>
#include <string>

#include "agent/source.h"

namespace hostmon::testing {

// A SampleWriter that records every sample as `name{a="x",b="y"}` (labels in the order written)
// -> value, plus each family's type and help, so source tests can assert exact series.
class CaptureWriter : public agent::SampleWriter {
 public:
  void Add(const agent::MetricDesc& desc, agent::LabelSpan labels, double value) override {
    std::string key(desc.name);
    if (!labels.empty()) {
      key += "{";
      for (size_t i = 0; i < labels.size(); ++i) {
        if (i > 0) key += ",";
        key += std::string(labels[i].name) + "=\"" + std::string(labels[i].value) + "\"";
      }
      key += "}";
    }
    ++count[key];
    samples[key] = value;
    types[std::string(desc.name)] = desc.type;
    help[std::string(desc.name)] = std::string(desc.help);
  }

  std::map<std::string, double> samples;
  std::map<std::string, int> count;  // >1 means the same series was written twice
  std::map<std::string, agent::MetricType> types;
  std::map<std::string, std::string> help;
};

}  // namespace hostmon::testing
