// SPDX-License-Identifier: Apache-2.0
//
// The weblog source's state file (--source.weblog.state-file): per log, the read position
// (device, inode, offset) and the counters, saved together after each collection that changed
// them and before its samples leave the agent. A restart continues from the saved position with
// the saved counter values, so no line is counted twice or skipped, and the counters do not
// reset (an exporter restart is not a counter reset for rate()). Written to FILE.tmp and renamed
// over FILE, so a crash leaves the old or the new state, never a torn one.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "agent/sources/weblog/weblog_parser.h"
#include "agent/sources/weblog/weblog_tailer.h"

namespace hostmon::agent::weblog {

// hostmon_weblog_response_seconds bucket bounds (Prometheus' default buckets: 5 ms .. 10 s).
inline constexpr std::array<double, 11> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                    0.5,   1,    2.5,   5,    10};

struct LogCounters {
  uint64_t requests[kNumStatusClasses][kNumMethods] = {};
  uint64_t buckets[kBuckets.size() + 1] = {};  // per bucket (not cumulative); last is +Inf
  double duration_sum = 0;
  uint64_t malformed = 0;
  uint64_t bytes_read = 0;
  uint64_t rotations = 0;
  uint64_t read_errors = 0;

  void Observe(double seconds);
  bool operator==(const LogCounters& o) const;
};

struct LogState {
  std::string path;  // the configured path: a position is only reused for the same path
  bool has_position = false;
  FilePosition position;
  LogCounters counters;
};

// log name -> state.
using WeblogState = std::map<std::string, LogState>;

// JSON text; paths are stored C-escaped so any byte string round-trips.
std::string EncodeState(const WeblogState& state);
// InvalidArgument naming `file` for anything that is not a state this version wrote.
absl::StatusOr<WeblogState> DecodeState(const std::string& text, const std::string& file);

absl::StatusOr<WeblogState> ReadStateFile(const std::string& path);  // NotFound when absent
absl::Status WriteStateFile(const std::string& path, const std::string& text);

}  // namespace hostmon::agent::weblog
