// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/schedstat/schedstat_parser.h"

#include <cstddef>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

constexpr absl::string_view kFile = "/proc/schedstat";
constexpr size_t kMinFields = 10;  // "cpuN" + 9 numbers

absl::Status LineError(size_t line_no, absl::string_view line, absl::string_view problem) {
  return common::LineError(kFile, line_no, line, problem);
}

}  // namespace

absl::Status ParseSchedstat(absl::string_view text, std::vector<SchedstatCpu>* out) {
  out->clear();
  common::Fields fields;
  size_t line_no = 0;
  absl::string_view line;
  while (common::NextLine(&text, &line)) {
    ++line_no;
    if (!absl::StartsWith(line, "cpu")) continue;
    common::SplitFields(line, &fields);
    if (fields.size() < kMinFields) {
      return LineError(
          line_no, line,
          absl::StrCat("expected at least ", kMinFields - 1, " numbers, got ", fields.size() - 1));
    }
    SchedstatCpu& cpu = out->emplace_back();
    cpu.cpu = fields[0].substr(3);
    uint64_t ignored;
    absl::Status status = common::ParseUint64(cpu.cpu, "cpu number", &ignored);
    if (status.ok()) status = common::ParseUint64(fields[7], "running", &cpu.running_ns);
    if (status.ok()) status = common::ParseUint64(fields[8], "waiting", &cpu.waiting_ns);
    if (status.ok()) status = common::ParseUint64(fields[9], "timeslices", &cpu.timeslices);
    if (!status.ok()) return LineError(line_no, line, status.message());
  }
  return absl::OkStatus();
}

}  // namespace hostmon::agent
