// SPDX-License-Identifier: Apache-2.0
//
// Parser for the Prometheus text exposition format (0.0.4) as written by operators' scripts into
// node_exporter's textfile directory (`*.prom`), e.g.
//
//   # HELP backup_runs_total Backups started.
//   # TYPE backup_runs_total counter
//   backup_runs_total{job="db",result="ok"} 42
//
// It accepts and rejects what node_exporter 1.5.0's parser (expfmt.TextParser) does for the
// constructs such files use: HELP/TYPE comments (a second HELP or TYPE for a name, or a TYPE after
// the family's samples, is an error), other comments and blank lines ignored, label values with
// \\ \" \n escapes, Go float values (NaN, +Inf, -Inf), and an optional int64 timestamp per sample.
// Samples of a family need not be adjacent. `_sum`/`_count` (and `_bucket`) samples belong to a
// preceding summary (histogram) family of the base name, as in Go.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/exposition.h"

namespace hostmon::agent {

enum class TextfileType { kUntyped, kCounter, kGauge, kSummary, kHistogram };

struct TextfileFamily {
  absl::string_view name;
  absl::string_view help;  // unescaped
  bool has_help = false;
  bool has_type = false;  // a TYPE line or a sample fixed the type
  TextfileType type = TextfileType::kUntyped;
  // Union of the label names of all the family's samples: node_exporter gives every sample every
  // label of its family, "" where a sample lacks one. [union_begin, union_end) in label_names.
  size_t union_begin = 0, union_end = 0;
};

struct TextfileSample {
  size_t family = 0;                      // index into TextfileData::families
  absl::string_view name;                 // as written: "foo", "foo_sum", "foo_bucket", ...
  size_t label_begin = 0, label_end = 0;  // [begin, end) in TextfileData::labels
  double value = 0;
  bool has_timestamp = false;
};

// The parse result. All views point into the parsed text or into `arena` (unescaped label values
// and help texts); the vectors keep their capacity across parses so steady state does not
// allocate.
struct TextfileData {
  std::vector<TextfileFamily> families;
  std::vector<TextfileSample> samples;
  std::vector<common::LabelRef> labels;
  std::vector<absl::string_view> label_names;  // family label-name unions
  std::string arena;
  absl::flat_hash_map<absl::string_view, size_t> by_name;  // family name -> index
  std::vector<size_t> order;                               // scratch: samples grouped by family
  bool has_timestamps() const;
};

// Parses `text`, the contents of the file `path` (used only in error messages, which read
// "<path> line <n>: <problem>"). Clears and refills *out; on error *out is unspecified.
absl::Status ParseTextfile(absl::string_view path, absl::string_view text, TextfileData* out);

}  // namespace hostmon::agent
