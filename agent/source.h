// SPDX-License-Identifier: Apache-2.0
//
// The one extension point of the agent: a data source. A source reads its files (through FsRoot)
// and writes samples; it knows nothing about batching, transport or exposition.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "agent/cycle_file.h"
#include "common/exposition.h"
#include "common/fs_root.h"

namespace re2 {
class RE2;
}  // namespace re2

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

// A setting of a source: --source.<source>.<name> on the command line,
// sources_options.<source>.<name> in the config file. A source with options declares them in its
// SourceInfo (agent/source_registry.h), usually through a function in its own header.
struct SourceOption {
  std::string name;
  std::string default_value;
  std::string help;
  // As node_exporter's repeatable flags (--collector.sysctl.include=a
  // --collector.sysctl.include=b): each --source.<source>.<name>=... on the command line adds one
  // entry, and the config file takes a list of strings (or one string). The source reads the
  // entries with SourceContext::Entries; unlike List entries they may hold commas.
  bool repeatable = false;
};

// How the entries of a repeatable option are joined into its one option value.
inline constexpr char kOptionEntrySeparator = '\n';

// What a source factory gets to build a source. Factories have one signature:
//   absl::StatusOr<SourcePtr> Make<Name>Source(const SourceContext& ctx);
// and fail with InvalidArgument (from the accessors below, or OptionError) on a bad option.
struct SourceContext {
  const common::FsRoot* fs = nullptr;
  // The source's options: every option it declares, at its default unless the configuration
  // sets it (the agent merges defaults, config file and flags before calling the factory).
  const std::map<std::string, std::string>* options = nullptr;
  // The source's name; error messages start with "source <name>: ".
  std::string source = {};
  // How long one Collect() may take: the slow tier's `timeout` option for a slow source, infinite
  // for the fast cycle. Past it the slow tier drops the whole collection, so a source that waits
  // on devices or remote endpoints bounds its waits itself, with one policy for every source:
  //  - Its waits end by Collect()'s start + WorkBudget(): the deadline less a margin (a tenth of
  //    it, at most 2s) for parsing and writing what was read, so that a slow device costs only
  //    its own series, never those of the others.
  //  - A wait it can cut short (a child process, an HTTP exchange) is cut there; a configured
  //    per-target deadline longer than WorkBudget() is shortened to it, logged once when built.
  //  - A wait it cannot cut short (a library call that returns only at its own timeout, plus that
  //    library's grace) must be configured to end before the deadline; otherwise the factory
  //    fails with InvalidArgument naming both settings.
  absl::Duration deadline = absl::InfiniteDuration();
  // The files the fast sources of one collection share, each read once per collection
  // (agent/cycle_file.h). Null for slow-tier sources, which run on their own threads, and for a
  // source built on its own (tests). Not owned.
  CycleFiles* cycle_files = nullptr;

  // The reader of `path` for this source: the one shared through cycle_files, or one of its own,
  // which reads the file on every call, without it. For a file another fast source reads in
  // every collection too (/proc/stat).
  std::shared_ptr<CycleFile> SharedFile(const std::string& path) const;

  // The deadline less the margin described above; infinite when the deadline is.
  absl::Duration WorkBudget() const;

  // The option's text; "" when absent.
  std::string Option(absl::string_view name) const;

  // Typed options, parsed in one place with one error wording:
  //   source <source>: option "<name>": <what is wrong>
  // An empty value means "none" for a pattern (nullptr) and a list (no entries); for a duration,
  // an integer and a boolean it is invalid.
  //
  // A regular expression in RE2 syntax, the dialect of the Go exporters whose flags the sources
  // mirror. Whether it must match a whole name is the source's choice, as in the exporter it
  // follows: RE2::PartialMatch for node_exporter's unanchored flags (Go's MatchString),
  // RE2::FullMatch where the exporter anchors the pattern (systemd's unit filters).
  absl::StatusOr<std::unique_ptr<re2::RE2>> Regex(absl::string_view name) const;
  // A Go-style duration ("500ms", "1m30s"); at least `min`, never infinite.
  absl::StatusOr<absl::Duration> Duration(absl::string_view name,
                                          absl::Duration min = absl::Nanoseconds(1)) const;
  // A decimal integer in [min, max].
  absl::StatusOr<int> Int(absl::string_view name, int min, int max) const;
  // "true" or "false".
  absl::StatusOr<bool> Bool(absl::string_view name) const;
  // Comma-separated entries, each trimmed of white space; empty entries are dropped.
  std::vector<std::string> List(absl::string_view name) const;
  // The entries of a repeatable option (SourceOption::repeatable), in the order given; empty
  // entries are dropped.
  std::vector<std::string> Entries(absl::string_view name) const;

  // InvalidArgument in the accessors' wording, for a check only the source can make (an
  // enumeration, two options that exclude each other).
  absl::Status OptionError(absl::string_view name, absl::string_view problem) const;
};

}  // namespace hostmon::agent
