// SPDX-License-Identifier: Apache-2.0
//
// The one extension point of the agent: a data source. A source reads its files (through FsRoot)
// and writes samples; it knows nothing about batching, transport or exposition.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/exposition.h"
#include "common/fs_root.h"

namespace hostmon::agent {

using common::LabelRef;
using common::LabelSpan;
using common::MetricType;
inline constexpr MetricType kGauge = ::hostmon::ingest::v1::METRIC_TYPE_GAUGE;
inline constexpr MetricType kCounter = ::hostmon::ingest::v1::METRIC_TYPE_COUNTER;
inline constexpr MetricType kUntyped = ::hostmon::ingest::v1::METRIC_TYPE_UNTYPED;

// Static description of a metric family. Sources keep these as constants.
struct MetricDesc {
  absl::string_view name;
  MetricType type;
  absl::string_view help;
};

// Receives the samples of one collection. Implementations intern (family, labels) so that a
// steady-state collection allocates nothing per sample; the views need only live for the call.
class SampleWriter {
 public:
  virtual ~SampleWriter() = default;
  virtual void Add(const MetricDesc& desc, LabelSpan labels, double value) = 0;
};

class Source {
 public:
  virtual ~Source() = default;
  // Collects one round of samples into `out`. Returns NotFoundError when the data does not exist
  // on this host (logged at debug level), any other error for a real failure (logged as warning).
  // Either way the source's hostmon_agent_source_success is 0 for this round. Must not throw.
  virtual absl::Status Collect(SampleWriter& out) = 0;
};
using SourcePtr = std::unique_ptr<Source>;

// What a source factory gets to build a source.
struct SourceContext {
  const common::FsRoot* fs;
  // The source's options (--source.<name>.<option> or sources_options.<name>.<option>), already
  // merged with the defaults declared in its SourceInfo.
  const std::map<std::string, std::string>* options = nullptr;

  // Value of an option declared by the source; "" when absent.
  std::string Option(const std::string& name) const {
    if (options == nullptr) return "";
    auto it = options->find(name);
    return it == options->end() ? "" : it->second;
  }
};

}  // namespace hostmon::agent
