// SPDX-License-Identifier: Apache-2.0
//
// Test helpers shared by the network sources' tests (netdev, netclass, netstat, ...): a
// SampleWriter that records series as exposition-like text, and the fixture tree as an FsRoot.
#pragma once

#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "agent/source.h"
#include "common/fs_root.h"

namespace hostmon::agent::testing {

// Records `name{l1="v1",...}` -> value, plus each family's type and help.
class RecordingWriter : public SampleWriter {
 public:
  void Add(const MetricDesc& desc, LabelSpan labels, double value) override {
    std::string key(desc.name);
    if (!labels.empty()) {
      key += "{";
      for (size_t i = 0; i < labels.size(); ++i) {
        absl::StrAppend(&key, i ? "," : "", labels[i].name, "=\"", labels[i].value, "\"");
      }
      key += "}";
    }
    ++adds;
    series[key] = value;
    types[std::string(desc.name)] = desc.type;
    help[std::string(desc.name)] = std::string(desc.help);
  }

  // Number of series whose name starts with `prefix`.
  size_t Count(const std::string& prefix) const {
    size_t n = 0;
    for (const auto& [key, value] : series) n += key.rfind(prefix, 0) == 0;
    return n;
  }

  std::map<std::string, double> series;
  std::map<std::string, MetricType> types;
  std::map<std::string, std::string> help;
  size_t adds = 0;
};

inline common::FsRoot FixtureRoot() {
  const std::string dir = HOSTMON_FIXTURE_DIR;
  return common::FsRoot(dir + "/proc", dir + "/sys", dir + "/rootfs");
}

// A tree where nothing exists.
inline common::FsRoot EmptyRoot() {
  const std::string dir = std::string(HOSTMON_FIXTURE_DIR) + "/does-not-exist";
  return common::FsRoot(dir + "/proc", dir + "/sys", dir + "/rootfs");
}

}  // namespace hostmon::agent::testing
