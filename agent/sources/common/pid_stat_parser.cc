// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/common/pid_stat_parser.h"

#include <cstddef>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

// After "pid (comm) ": state is field 3 of proc(5), num_threads field 20.
constexpr size_t kStateIndex = 0;
constexpr size_t kNumThreadsIndex = 20 - 3;
constexpr size_t kUtimeIndex = 14 - 3;
constexpr size_t kStimeIndex = 15 - 3;
constexpr size_t kStarttimeIndex = 22 - 3;
constexpr size_t kVsizeIndex = 23 - 3;
constexpr size_t kRssIndex = 24 - 3;

}  // namespace

absl::Status ParsePidStat(absl::string_view text, absl::string_view file, PidStat* out) {
  const size_t close = text.rfind(')');
  if (close == absl::string_view::npos || close + 1 >= text.size() || text[close + 1] != ' ') {
    return absl::InvalidArgumentError(absl::StrCat(file, ": no \") \" after the command name"));
  }
  absl::string_view rest = text.substr(close + 2);
  absl::string_view line;
  common::NextLine(&rest, &line);
  // Only the first 22 fields after the command are needed; the line is cut after them so that
  // its 50-odd fields never spill the inline buffer of Fields onto the heap.
  size_t cut = 0;
  for (size_t spaces = 0; spaces <= kRssIndex; ++spaces) {
    cut = line.find(' ', cut);
    if (cut == absl::string_view::npos) break;
    ++cut;
  }
  common::Fields fields;
  common::SplitFields(line.substr(0, cut), &fields);
  if (fields.size() <= kNumThreadsIndex) {
    return absl::InvalidArgumentError(absl::StrCat(
        file, ": expected at least ", kNumThreadsIndex + 3, " fields, got ", fields.size() + 2));
  }
  if (fields[kStateIndex].size() != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(file, ": state \"", fields[kStateIndex], "\" is not one character"));
  }
  out->state = fields[kStateIndex][0];
  absl::Status status =
      common::ParseUint64(fields[kNumThreadsIndex], "num_threads", &out->num_threads);
  if (!status.ok()) return absl::InvalidArgumentError(absl::StrCat(file, ": ", status.message()));
  out->has_resources = false;
  if (fields.size() > kRssIndex) {
    const std::pair<size_t, uint64_t*> resources[] = {{kUtimeIndex, &out->utime_ticks},
                                                      {kStimeIndex, &out->stime_ticks},
                                                      {kStarttimeIndex, &out->starttime_ticks},
                                                      {kVsizeIndex, &out->vsize_bytes},
                                                      {kRssIndex, &out->rss_pages}};
    for (const auto& [index, target] : resources) {
      status = common::ParseUint64(fields[index], "resource field", target);
      if (!status.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(file, ": ", status.message()));
      }
    }
    out->has_resources = true;
  }
  return absl::OkStatus();
}

}  // namespace hostmon::agent
