// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/softirqs/softirqs_parser.h"

#include "absl/strings/str_cat.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

constexpr absl::string_view kKnown[] = {"HI",       "TIMER",   "NET_TX", "NET_RX",  "BLOCK",
                                        "IRQ_POLL", "TASKLET", "SCHED",  "HRTIMER", "RCU"};

}  // namespace

absl::Status ParseSoftirqs(absl::string_view text, absl::string_view file,
                           absl::FunctionRef<void(absl::string_view, size_t, uint64_t)> fn) {
  absl::string_view line;
  if (!common::NextLine(&text, &line)) {
    return absl::InvalidArgumentError(absl::StrCat(file, ": input is empty"));
  }
  size_t line_no = 1;
  while (common::NextLine(&text, &line)) {
    ++line_no;
    // Field by field: rows have one column per CPU, far more than Fields holds inline on big
    // machines.
    absl::string_view rest = line;
    absl::string_view type = common::NextField(&rest);
    if (type.size() < 2 || type.back() != ':') continue;
    type.remove_suffix(1);
    bool known = false;
    for (absl::string_view k : kKnown) known = known || k == type;
    if (!known) continue;
    size_t cpu = 0;
    for (absl::string_view count = common::NextField(&rest); !count.empty();
         count = common::NextField(&rest), ++cpu) {
      uint64_t v = 0;
      absl::Status s = common::ParseUint64(count, type, &v);
      if (!s.ok()) return common::LineError(file, line_no, line, s.message());
      fn(type, cpu, v);
    }
  }
  return absl::OkStatus();
}

}  // namespace hostmon::agent
