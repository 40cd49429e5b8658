// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/common/proc_stat_parser.h"

#include <cstddef>
#include <iterator>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

constexpr absl::string_view kFile = "/proc/stat";

// The intr line of a large machine runs to kilobytes; the head is enough to find it.

struct CpuColumn {
  absl::string_view name;
  uint64_t CpuTimesLine::*field;
};

// File order, per proc(5). Every kernel since 2.6 has at least the first four.
constexpr CpuColumn kCpuColumns[] = {
    {"user", &CpuTimesLine::user},       {"nice", &CpuTimesLine::nice},
    {"system", &CpuTimesLine::system},   {"idle", &CpuTimesLine::idle},
    {"iowait", &CpuTimesLine::iowait},   {"irq", &CpuTimesLine::irq},
    {"softirq", &CpuTimesLine::softirq}, {"steal", &CpuTimesLine::steal},
    {"guest", &CpuTimesLine::guest},     {"guest_nice", &CpuTimesLine::guest_nice},
};
constexpr size_t kMinCpuColumns = 4;

struct CounterLine {
  absl::string_view key;
  bool ProcStat::*present;
  uint64_t ProcStat::*value;
};

constexpr CounterLine kCounterLines[] = {
    {"ctxt", &ProcStat::has_ctxt, &ProcStat::ctxt},
    {"btime", &ProcStat::has_btime, &ProcStat::btime},
    {"processes", &ProcStat::has_processes, &ProcStat::processes},
    {"procs_running", &ProcStat::has_procs_running, &ProcStat::procs_running},
    {"procs_blocked", &ProcStat::has_procs_blocked, &ProcStat::procs_blocked},
    // Only the total: per-IRQ counts belong to /proc/interrupts, which names them.
    {"intr", &ProcStat::has_intr, &ProcStat::intr_total},
};

// Quotes the offending line so that an operator can see exactly what the kernel wrote.
absl::Status LineError(size_t line_no, absl::string_view line, absl::string_view problem) {
  return common::LineError(kFile, line_no, line, problem);
}

// Takes the next space/tab separated token off the front of *rest. Used instead of SplitFields
// for non-cpu lines because the intr line has hundreds of fields and would spill the inline
// field buffer onto the heap on every scrape.
absl::string_view NextToken(absl::string_view* rest) {
  size_t i = 0;
  while (i < rest->size() && ((*rest)[i] == ' ' || (*rest)[i] == '\t')) ++i;
  size_t end = i;
  while (end < rest->size() && (*rest)[end] != ' ' && (*rest)[end] != '\t') ++end;
  const absl::string_view token = rest->substr(i, end - i);
  rest->remove_prefix(end);
  return token;
}

absl::Status ParseCpuLine(absl::string_view line, size_t line_no, absl::string_view cpu,
                          common::Fields* fields, CpuTimesLine* out) {
  if (!cpu.empty()) {
    uint64_t ignored;
    absl::Status status = common::ParseUint64(cpu, "cpu number", &ignored);
    if (!status.ok()) return LineError(line_no, line, status.message());
  }
  out->cpu = cpu;
  // A cpu line has at most 11 fields, well within the inline capacity of Fields.
  common::SplitFields(line, fields);
  const size_t columns = fields->size() - 1;  // (*fields)[0] is the "cpuN" key
  if (columns < kMinCpuColumns) {
    return LineError(
        line_no, line,
        absl::StrCat("expected at least ", kMinCpuColumns, " time columns, got ", columns));
  }
  for (size_t i = 0; i < std::size(kCpuColumns); ++i) {
    uint64_t* value = &(out->*kCpuColumns[i].field);
    if (i >= columns) {
      *value = 0;
      continue;
    }
    absl::Status status = common::ParseUint64((*fields)[i + 1], kCpuColumns[i].name, value);
    if (!status.ok()) return LineError(line_no, line, status.message());
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ParseProcStat(absl::string_view text, ProcStat* out) {
  out->total = CpuTimesLine();
  out->cpus.clear();
  for (const CounterLine& counter : kCounterLines) {
    out->*counter.present = false;
    out->*counter.value = 0;
  }
  out->softirq_line = {};
  out->softirq_line_no = 0;
  if (text.empty()) return absl::InvalidArgumentError(absl::StrCat(kFile, ": input is empty"));

  bool has_total = false;
  common::Fields fields;
  size_t line_no = 0;
  absl::string_view line;
  while (common::NextLine(&text, &line)) {
    ++line_no;

    absl::string_view rest = line;
    const absl::string_view key = NextToken(&rest);
    if (absl::StartsWith(key, "cpu")) {
      const absl::string_view cpu = key.substr(3);
      CpuTimesLine* target = &out->total;
      if (cpu.empty()) {
        has_total = true;
      } else {
        target = &out->cpus.emplace_back();
      }
      absl::Status status = ParseCpuLine(line, line_no, cpu, &fields, target);
      if (!status.ok()) return status;
      continue;
    }
    if (key == "softirq") {
      out->softirq_line = line;
      out->softirq_line_no = line_no;
      continue;
    }
    for (const CounterLine& counter : kCounterLines) {
      if (key != counter.key) continue;
      const absl::string_view value = NextToken(&rest);
      if (value.empty()) {
        return LineError(line_no, line, absl::StrCat("expected a value after \"", key, "\""));
      }
      absl::Status status = common::ParseUint64(value, key, &(out->*counter.value));
      if (!status.ok()) return LineError(line_no, line, status.message());
      out->*counter.present = true;
      break;
    }
  }
  if (!has_total) {
    return absl::InvalidArgumentError(
        absl::StrCat(kFile, ": no aggregate \"cpu\" line in ", line_no, " lines"));
  }
  return absl::OkStatus();
}

absl::Status ParseSoftirqLine(const ProcStat& stat, SoftirqCounts* out) {
  if (stat.softirq_line_no == 0) {
    return absl::NotFoundError(absl::StrCat(kFile, ": no \"softirq\" line"));
  }
  absl::string_view rest = stat.softirq_line;
  NextToken(&rest);  // "softirq"
  for (size_t i = 0; i <= kSoftirqVectors; ++i) {
    const absl::string_view value = NextToken(&rest);
    if (value.empty()) {
      return LineError(stat.softirq_line_no, stat.softirq_line,
                       absl::StrCat("expected the total and ", kSoftirqVectors,
                                    " vector counts, got ", i, " numbers"));
    }
    const absl::string_view what = i == 0 ? "total" : kSoftirqVectorNames[i - 1];
    uint64_t* target = i == 0 ? &out->total : &out->vectors[i - 1];
    absl::Status status = common::ParseUint64(value, what, target);
    if (!status.ok()) return LineError(stat.softirq_line_no, stat.softirq_line, status.message());
  }
  return absl::OkStatus();
}

}  // namespace hostmon::agent
