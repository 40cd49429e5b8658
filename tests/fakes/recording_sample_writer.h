// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "agent/source.h"

namespace hostmon::testing {

// Records samples as `name{l1="v1",l2="v2"}` -> value (labels in the order given), plus each
// family's type and help, so source tests can assert exact series.
class RecordingSampleWriter : public agent::SampleWriter {
 public:
  void Add(const agent::MetricDesc& desc, agent::LabelSpan labels, double value) override {
    std::string key(desc.name);
    if (!labels.empty()) {
      key.push_back('{');
      for (size_t i = 0; i < labels.size(); ++i) {
        absl::StrAppend(&key, i == 0 ? "" : ",", labels[i].name, "=\"", labels[i].value, "\"");
      }
      key.push_back('}');
    }
    ++adds;
    samples[key] = value;
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
  std::map<std::string, agent::MetricType> types;
  std::map<std::string, std::string> helps;
  int adds = 0;
};

}  // namespace hostmon::testing
