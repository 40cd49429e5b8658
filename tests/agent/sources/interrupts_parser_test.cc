// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/interrupts/interrupts_parser.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "fakes/fixtures.h"

namespace hostmon::agent {
namespace {

using testing::ReadFixture;

TEST_CASE("ParseInterrupts reads the 2-CPU fixture", "[agent][interrupts]") {
  const std::string text = ReadFixture("proc/interrupts");
  std::vector<InterruptLine> lines;
  size_t count = 0;
  const absl::Status status = ParseInterrupts(text, &lines, &count);
  INFO(status.ToString());
  REQUIRE(status.ok());
  // 35 lines after the header, minus ERR and MIS.
  REQUIRE(count == 33);
  const InterruptLine& tty = lines[2];
  CHECK(tty.name == "26");
  CHECK(tty.info == "IO-APIC");
  CHECK(tty.devices == "4-edge ttyS0");
  CHECK(tty.counts == std::vector<uint64_t>{0, 15});
  const InterruptLine& loc = lines[20];
  CHECK(loc.name == "LOC");
  CHECK(loc.info == "Local timer interrupts");
  CHECK(loc.devices.empty());
  CHECK(loc.counts == std::vector<uint64_t>{609447, 603596});
  CHECK(lines[count - 1].name == "PIW");
}

TEST_CASE("ParseInterrupts handles arm64's missing space and reuses entries",
          "[agent][interrupts]") {
  std::vector<InterruptLine> lines;
  size_t count = 0;
  REQUIRE(ParseInterrupts("  CPU0 CPU1\n 11:123 456 GICv3 27 Level arch_timer\nIPI0:7 8 "
                          "Rescheduling interrupts\nErr: 0\n",
                          &lines, &count)
              .ok());
  REQUIRE(count == 2);
  CHECK(lines[0].name == "11");
  CHECK(lines[0].counts == std::vector<uint64_t>{123, 456});
  CHECK(lines[0].info == "GICv3");
  CHECK(lines[0].devices == "27 Level arch_timer");
  CHECK(lines[1].name == "IPI0");
  CHECK(lines[1].info == "Rescheduling interrupts");
  // A second parse with fewer lines reports fewer, keeping the entries for reuse.
  REQUIRE(ParseInterrupts("CPU0\n 1: 5 X y\n", &lines, &count).ok());
  CHECK(count == 1);
  CHECK(lines[0].counts == std::vector<uint64_t>{5});
  CHECK(lines.size() == 2);
}

TEST_CASE("ParseInterrupts rejects broken input", "[agent][interrupts]") {
  std::vector<InterruptLine> lines;
  size_t count = 0;
  SECTION("empty") {
    const absl::Status status = ParseInterrupts("", &lines, &count);
    CHECK(absl::IsInvalidArgument(status));
    CHECK(status.message() == "/proc/interrupts: input is empty");
  }
  SECTION("truncated: a line cut inside the counts is skipped like ERR") {
    REQUIRE(ParseInterrupts("  CPU0 CPU1\n 24: 1 0 IO-APIC 5-edge ACPI:Ged\n 25: 0", &lines, &count)
                .ok());
    CHECK(count == 1);
  }
  SECTION("non-numeric count") {
    const absl::Status status =
        ParseInterrupts("  CPU0 CPU1\n 24: 1 x0 IO-APIC 5-edge ACPI:Ged\n", &lines, &count);
    CHECK(absl::IsInvalidArgument(status));
    CHECK(absl::StartsWith(status.message(), "/proc/interrupts line 2 ("));
  }
  SECTION("count beyond uint64") {
    CHECK(absl::IsInvalidArgument(ParseInterrupts(
        "CPU0\n 24: 18446744073709551616 IO-APIC 5-edge ACPI:Ged\n", &lines, &count)));
  }
}

}  // namespace
}  // namespace hostmon::agent
