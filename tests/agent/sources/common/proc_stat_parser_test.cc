// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/common/proc_stat_parser.h"

#include <array>
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "fakes/fixtures.h"

namespace hostmon::agent {
namespace {

using testing::ReadFixture;

std::array<uint64_t, 10> Columns(const CpuTimesLine& line) {
  return {line.user, line.nice,    line.system, line.idle,  line.iowait,
          line.irq,  line.softirq, line.steal,  line.guest, line.guest_nice};
}

// Text up to and including the first occurrence of `through`, as if the read stopped there.
std::string CutAfter(const std::string& text, absl::string_view through) {
  const size_t at = text.find(std::string(through));
  REQUIRE(at != std::string::npos);
  return text.substr(0, at + through.size());
}

TEST_CASE("ParseProcStat reads the aggregate and per-CPU lines of the 4-CPU fixture",
          "[agent][cpu][proc_stat]") {
  const std::string text = ReadFixture("proc/stat");
  ProcStat stat;
  const absl::Status status = ParseProcStat(text, &stat);
  INFO(status.ToString());
  REQUIRE(status.ok());

  CHECK(stat.total.cpu == "");
  CHECK(Columns(stat.total) ==
        std::array<uint64_t, 10>{4732, 14, 1716, 130100, 407, 0, 81, 22, 7, 2});
  REQUIRE(stat.cpus.size() == 4);
  CHECK(stat.cpus[0].cpu == "0");
  CHECK(stat.cpus[1].cpu == "1");
  CHECK(stat.cpus[2].cpu == "2");
  CHECK(stat.cpus[3].cpu == "3");
  CHECK(Columns(stat.cpus[0]) ==
        std::array<uint64_t, 10>{1312, 3, 457, 32249, 210, 0, 13, 9, 0, 0});
  CHECK(Columns(stat.cpus[2]) ==
        std::array<uint64_t, 10>{1207, 11, 398, 32518, 96, 0, 17, 6, 7, 2});
  CHECK(Columns(stat.cpus[3]) == std::array<uint64_t, 10>{1089, 0, 441, 32702, 44, 0, 29, 4, 0, 0});

  // Names are views into the caller's buffer, not copies.
  CHECK(stat.cpus[2].cpu.data() >= text.data());
  CHECK(stat.cpus[2].cpu.data() < text.data() + text.size());
}

TEST_CASE("ParseProcStat reads the counter lines of the fixture", "[agent][cpu][proc_stat]") {
  const std::string text = ReadFixture("proc/stat");
  ProcStat stat;
  REQUIRE(ParseProcStat(text, &stat).ok());

  CHECK(stat.has_intr);
  CHECK(stat.intr_total == 162115);
  CHECK(stat.has_ctxt);
  CHECK(stat.ctxt == 280676);
  CHECK(stat.has_btime);
  CHECK(stat.btime == 1795274682);
  CHECK(stat.has_processes);
  CHECK(stat.processes == 4352);
  CHECK(stat.has_procs_running);
  CHECK(stat.procs_running == 1);
  CHECK(stat.has_procs_blocked);
  CHECK(stat.procs_blocked == 0);
}

TEST_CASE("The /proc/stat fixture's per-CPU lines sum to its aggregate line",
          "[agent][cpu][proc_stat]") {
  // The lead's golden test relies on the edited fixture still being self-consistent.
  ProcStat stat;
  const std::string text = ReadFixture("proc/stat");  // outlives the cpu name views
  REQUIRE(ParseProcStat(text, &stat).ok());
  std::array<uint64_t, 10> sum{};
  for (const CpuTimesLine& cpu : stat.cpus) {
    const std::array<uint64_t, 10> columns = Columns(cpu);
    for (size_t i = 0; i < sum.size(); ++i) sum[i] += columns[i];
  }
  CHECK(sum == Columns(stat.total));
}

TEST_CASE("ParseProcStat zero-fills columns that older kernels do not print",
          "[agent][cpu][proc_stat]") {
  const std::string full = "1 2 3 4 5 6 7 8 9 10";
  // Column counts of real kernels: 4 before 2.5.41 (no iowait/irq/softirq), 7 before 2.6.11
  // (no steal), 8 before 2.6.24 (no guest), 9 before 2.6.33 (no guest_nice), then 10.
  const size_t column_count = GENERATE(as<size_t>(), 4, 7, 8, 9, 10);
  CAPTURE(column_count);
  std::string values;
  for (size_t i = 1; i <= column_count; ++i) {
    if (i > 1) values += ' ';
    values += std::to_string(i);
  }
  const std::string text = "cpu  " + values + "\ncpu0 " + values + "\n";

  ProcStat stat;
  const absl::Status status = ParseProcStat(text, &stat);
  INFO(status.ToString());
  REQUIRE(status.ok());
  std::array<uint64_t, 10> expected{};
  for (size_t i = 0; i < column_count; ++i) expected[i] = i + 1;
  CHECK(Columns(stat.total) == expected);
  REQUIRE(stat.cpus.size() == 1);
  CHECK(Columns(stat.cpus[0]) == expected);
  CHECK_FALSE(stat.has_ctxt);
  CHECK_FALSE(stat.has_intr);
}

TEST_CASE("ParseProcStat ignores columns and lines that newer kernels may add",
          "[agent][cpu][proc_stat]") {
  const std::string text =
      "cpu  1 2 3 4 5 6 7 8 9 10 11 12\n"
      "frobnicate 1 2 3\n"
      "\n"
      "ctxt 99";  // no final newline
  ProcStat stat;
  REQUIRE(ParseProcStat(text, &stat).ok());
  CHECK(Columns(stat.total) == std::array<uint64_t, 10>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  CHECK(stat.cpus.empty());
  CHECK(stat.has_ctxt);
  CHECK(stat.ctxt == 99);
}

TEST_CASE("ParseProcStat lets a repeated line replace the earlier one", "[agent][cpu][proc_stat]") {
  // Never written by a kernel, but if two reads are concatenated the later values must win
  // whole, not merged with leftovers of the earlier line.
  ProcStat stat;
  REQUIRE(
      ParseProcStat("cpu  1 2 3 4 5 6 7 8 9 10\nctxt 1\ncpu  11 12 13 14\nctxt 2\n", &stat).ok());
  CHECK(Columns(stat.total) == std::array<uint64_t, 10>{11, 12, 13, 14, 0, 0, 0, 0, 0, 0});
  CHECK(stat.ctxt == 2);
}

TEST_CASE("ParseProcStat rejects a cpu line cut to 2 columns and names the line",
          "[agent][cpu][proc_stat]") {
  const std::string text = CutAfter(ReadFixture("proc/stat"), "cpu1 1124 0");
  ProcStat stat;
  const absl::Status status = ParseProcStat(text, &stat);
  CHECK(absl::IsInvalidArgument(status));
  CHECK(status.message() ==
        "/proc/stat line 3 (\"cpu1 1124 0\"): expected at least 4 time columns, got 2");
}

TEST_CASE("ParseProcStat parses the complete lines of a file cut after the cpu lines",
          "[agent][cpu][proc_stat]") {
  const std::string fixture = ReadFixture("proc/stat");

  SECTION("cut inside the intr line keeps the intr total and nothing after it") {
    ProcStat stat;
    const std::string text = CutAfter(fixture, "intr 162115 0 0");
    REQUIRE(ParseProcStat(text, &stat).ok());
    CHECK(stat.cpus.size() == 4);
    CHECK(stat.has_intr);
    CHECK(stat.intr_total == 162115);
    CHECK_FALSE(stat.has_ctxt);
    CHECK_FALSE(stat.has_procs_blocked);
  }
  SECTION("cut inside a key leaves that counter absent") {
    ProcStat stat;
    const std::string text = CutAfter(fixture, "procs_runn");
    REQUIRE(ParseProcStat(text, &stat).ok());
    CHECK(stat.has_processes);
    CHECK(stat.processes == 4352);
    CHECK_FALSE(stat.has_procs_running);
    CHECK(stat.procs_running == 0);
  }
  SECTION("cut right after a key is an error naming it") {
    ProcStat stat;
    const absl::Status status = ParseProcStat(CutAfter(fixture, "\nctxt"), &stat);
    CHECK(status.message() == "/proc/stat line 7 (\"ctxt\"): expected a value after \"ctxt\"");
  }
}

TEST_CASE("ParseProcStat reports empty input and a missing aggregate cpu line",
          "[agent][cpu][proc_stat]") {
  ProcStat stat;
  SECTION("empty input") {
    const absl::Status status = ParseProcStat("", &stat);
    CHECK(absl::IsInvalidArgument(status));
    CHECK(status.message() == "/proc/stat: input is empty");
  }
  SECTION("only per-CPU lines") {
    const absl::Status status = ParseProcStat("cpu0 1 2 3 4\nctxt 5\n", &stat);
    CHECK(absl::IsInvalidArgument(status));
    CHECK(status.message() == "/proc/stat: no aggregate \"cpu\" line in 2 lines");
  }
  SECTION("aggregate line without any column") {
    const absl::Status status = ParseProcStat("cpu\n", &stat);
    CHECK(status.message() ==
          "/proc/stat line 1 (\"cpu\"): expected at least 4 time columns, got 0");
  }
}

TEST_CASE("ParseProcStat rejects values that are not decimal uint64s", "[agent][cpu][proc_stat]") {
  ProcStat stat;
  SECTION("non-numeric time column, named by column") {
    const absl::Status status = ParseProcStat("cpu  1 2 3 4\ncpu0 1 x 3 4\n", &stat);
    CHECK(absl::IsInvalidArgument(status));
    CHECK(status.message() ==
          "/proc/stat line 2 (\"cpu0 1 x 3 4\"): nice: not an unsigned integer: \"x\"");
  }
  SECTION("negative time column") {
    const absl::Status status = ParseProcStat("cpu  1 2 3 -4\n", &stat);
    CHECK(status.message() ==
          "/proc/stat line 1 (\"cpu  1 2 3 -4\"): idle: not an unsigned integer: \"-4\"");
  }
  SECTION("2^64 overflows a time column") {
    const absl::Status status = ParseProcStat("cpu  18446744073709551616 0 0 0\n", &stat);
    CHECK(status.message() ==
          "/proc/stat line 1 (\"cpu  18446744073709551616 0 0 0\"): user: integer out of range: "
          "\"18446744073709551616\"");
  }
  SECTION("2^64 - 1 still fits") {
    REQUIRE(ParseProcStat("cpu  18446744073709551615 0 0 0\n", &stat).ok());
    CHECK(stat.total.user == UINT64_MAX);
  }
  SECTION("non-numeric counter") {
    const absl::Status status = ParseProcStat("cpu  1 2 3 4\nbtime 12ab\n", &stat);
    CHECK(status.message() ==
          "/proc/stat line 2 (\"btime 12ab\"): btime: not an unsigned integer: \"12ab\"");
  }
  SECTION("overflowing intr total; the quoted line is shortened") {
    std::string intr = "intr 99999999999999999999";
    for (int i = 0; i < 100; ++i) intr += " 0";
    const absl::Status status = ParseProcStat("cpu  1 2 3 4\n" + intr + "\n", &stat);
    CHECK(status.message() == "/proc/stat line 2 (\"" + intr.substr(0, 80) +
                                  "...\"): intr: integer out of range: \"99999999999999999999\"");
  }
}

TEST_CASE("ParseProcStat rejects a cpuX line whose X is not a number", "[agent][cpu][proc_stat]") {
  ProcStat stat;
  const absl::Status status = ParseProcStat("cpu  1 2 3 4\ncpufreq 1 2 3 4\n", &stat);
  CHECK(absl::IsInvalidArgument(status));
  CHECK(status.message() ==
        "/proc/stat line 2 (\"cpufreq 1 2 3 4\"): cpu number: not an unsigned integer: \"freq\"");
}

TEST_CASE("ParseProcStat resets its output and reuses the per-CPU vector",
          "[agent][cpu][proc_stat]") {
  const std::string fixture = ReadFixture("proc/stat");
  ProcStat stat;
  REQUIRE(ParseProcStat(fixture, &stat).ok());
  const CpuTimesLine* const storage = stat.cpus.data();
  const size_t capacity = stat.cpus.capacity();

  REQUIRE(ParseProcStat("cpu  1 2 3 4\ncpu7 5 6 7 8\n", &stat).ok());
  CHECK(stat.cpus.data() == storage);
  CHECK(stat.cpus.capacity() == capacity);
  REQUIRE(stat.cpus.size() == 1);
  CHECK(stat.cpus[0].cpu == "7");
  CHECK(Columns(stat.cpus[0]) == std::array<uint64_t, 10>{5, 6, 7, 8, 0, 0, 0, 0, 0, 0});
  CHECK(Columns(stat.total) == std::array<uint64_t, 10>{1, 2, 3, 4, 0, 0, 0, 0, 0, 0});
  CHECK_FALSE(stat.has_ctxt);
  CHECK(stat.ctxt == 0);
  CHECK_FALSE(stat.has_intr);
  CHECK(stat.intr_total == 0);

  REQUIRE(ParseProcStat(fixture, &stat).ok());
  CHECK(stat.cpus.data() == storage);
  CHECK(stat.cpus.size() == 4);
}

TEST_CASE("ParseProcStat benchmark on the 4-CPU fixture", "[.][benchmark][agent][cpu]") {
  const std::string fixture = ReadFixture("proc/stat");
  ProcStat stat;
  BENCHMARK("ParseProcStat") { return ParseProcStat(fixture, &stat).ok(); };
}

}  // namespace
}  // namespace hostmon::agent
