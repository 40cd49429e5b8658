// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/meminfo/meminfo_parser.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "fakes/fixtures.h"

namespace hostmon::agent {
namespace {

using testing::ReadFixture;

// Text up to and including the first occurrence of `through`, as if the read stopped there.
std::string CutAfter(const std::string& text, absl::string_view through) {
  const size_t at = text.find(std::string(through));
  REQUIRE(at != std::string::npos);
  return text.substr(0, at + through.size());
}

const MeminfoField* Find(const std::vector<MeminfoField>& fields, absl::string_view name) {
  for (const MeminfoField& field : fields) {
    if (field.name == name) return &field;
  }
  return nullptr;
}

std::string MetricName(absl::string_view name, bool has_unit) {
  MeminfoField field;
  field.name = name;
  field.has_unit = has_unit;
  std::string out = "stale";
  MeminfoMetricName(field, &out);
  return out;
}

TEST_CASE("ParseMeminfo converts kB fields to bytes in the fixture", "[agent][meminfo]") {
  const std::string text = ReadFixture("proc/meminfo");
  std::vector<MeminfoField> fields;
  const absl::Status status = ParseMeminfo(text, &fields);
  INFO(status.ToString());
  REQUIRE(status.ok());

  REQUIRE(fields.size() == 54);
  CHECK(fields.front().name == "MemTotal");
  CHECK(fields.front().value == 24684084.0 * 1024);
  CHECK(fields.front().has_unit);
  CHECK(fields.back().name == "DirectMap1G");
  CHECK(fields.back().value == 25165824.0 * 1024);

  const MeminfoField* active_anon = Find(fields, "Active(anon)");
  REQUIRE(active_anon != nullptr);
  CHECK(active_anon->value == 1528.0 * 1024);
  CHECK(active_anon->has_unit);

  // 32 GiB of vmalloc space: exact in a double, and far beyond 32 bits once in bytes.
  const MeminfoField* vmalloc_total = Find(fields, "VmallocTotal");
  REQUIRE(vmalloc_total != nullptr);
  CHECK(vmalloc_total->value == 35184372087808.0);

  const MeminfoField* swap_total = Find(fields, "SwapTotal");
  REQUIRE(swap_total != nullptr);
  CHECK(swap_total->value == 0);
  CHECK(swap_total->has_unit);

  // Names are views into the caller's buffer, not copies.
  CHECK(active_anon->name.data() >= text.data());
  CHECK(active_anon->name.data() < text.data() + text.size());
}

TEST_CASE("ParseMeminfo keeps unitless HugePages counts as raw numbers", "[agent][meminfo]") {
  std::vector<MeminfoField> fields;
  const std::string text = ReadFixture("proc/meminfo");  // outlives the name views
  REQUIRE(ParseMeminfo(text, &fields).ok());

  const MeminfoField* total = Find(fields, "HugePages_Total");
  REQUIRE(total != nullptr);
  CHECK(total->value == 64);
  CHECK_FALSE(total->has_unit);
  const MeminfoField* rsvd = Find(fields, "HugePages_Rsvd");
  REQUIRE(rsvd != nullptr);
  CHECK(rsvd->value == 2);
  CHECK_FALSE(rsvd->has_unit);
  const MeminfoField* page_size = Find(fields, "Hugepagesize");
  REQUIRE(page_size != nullptr);
  CHECK(page_size->value == 2048.0 * 1024);
  CHECK(page_size->has_unit);
}

TEST_CASE("MeminfoMetricName matches node_exporter's names", "[agent][meminfo]") {
  CHECK(MetricName("MemTotal", true) == "node_memory_MemTotal_bytes");
  CHECK(MetricName("Active(anon)", true) == "node_memory_Active_anon_bytes");
  CHECK(MetricName("Inactive(file)", true) == "node_memory_Inactive_file_bytes");
  CHECK(MetricName("HugePages_Total", false) == "node_memory_HugePages_Total");
  CHECK(MetricName("NFS_Unstable", true) == "node_memory_NFS_Unstable_bytes");
  CHECK(MetricName("DirectMap2M", true) == "node_memory_DirectMap2M_bytes");
  // Go's `\((.*)\)` is greedy and needs a ')' after the '('.
  CHECK(MetricName("a(b)(c)", false) == "node_memory_a_b)(c");
  CHECK(MetricName("a(b)c", false) == "node_memory_a_bc");
  CHECK(MetricName("a)b(c", false) == "node_memory_a)b(c");
  CHECK(MetricName("a(b", false) == "node_memory_a(b");
}

TEST_CASE("MeminfoMetricName reuses the output string's buffer", "[agent][meminfo]") {
  MeminfoField field;
  field.name = "Inactive(anon)";
  field.has_unit = true;
  std::string out;
  out.reserve(64);
  const char* const storage = out.data();
  MeminfoMetricName(field, &out);
  CHECK(out == "node_memory_Inactive_anon_bytes");
  field.name = "Bounce";
  MeminfoMetricName(field, &out);
  CHECK(out == "node_memory_Bounce_bytes");
  CHECK(out.data() == storage);
}

TEST_CASE("ParseMeminfo on a file cut mid-line", "[agent][meminfo]") {
  const std::string fixture = ReadFixture("proc/meminfo");
  std::vector<MeminfoField> fields;

  SECTION("cut inside a name is an error: no ':'") {
    const absl::Status status = ParseMeminfo(CutAfter(fixture, "DirectMap2"), &fields);
    CHECK(absl::IsInvalidArgument(status));
    CHECK(status.message() == "/proc/meminfo line 53 (\"DirectMap2\"): expected ':'");
  }
  SECTION("cut right after the colon is an error: no value") {
    const absl::Status status = ParseMeminfo(CutAfter(fixture, "DirectMap2M:"), &fields);
    CHECK(status.message() ==
          "/proc/meminfo line 53 (\"DirectMap2M:\"): expected a value after ':'");
  }
  SECTION("cut inside the unit is an error: unknown unit") {
    const absl::Status status =
        ParseMeminfo(CutAfter(fixture, "DirectMap2M:     2070528 k"), &fields);
    CHECK(status.message() ==
          "/proc/meminfo line 53 (\"DirectMap2M:     2070528 k\"): unknown unit \"k\", expected "
          "\"kB\"");
  }
  SECTION("cut before the unit cannot be detected and reads as a unitless field") {
    const std::string text = CutAfter(fixture, "DirectMap2M:     2070528");
    REQUIRE(ParseMeminfo(text, &fields).ok());
    REQUIRE(fields.size() == 53);
    CHECK(fields.back().name == "DirectMap2M");
    CHECK(fields.back().value == 2070528);
    CHECK_FALSE(fields.back().has_unit);
  }
  SECTION("cut at a line end parses the complete lines") {
    const std::string text = CutAfter(fixture, "MemAvailable:   24326896 kB\n");
    REQUIRE(ParseMeminfo(text, &fields).ok());
    REQUIRE(fields.size() == 3);
    CHECK(fields[2].name == "MemAvailable");
    CHECK(fields[2].value == 24326896.0 * 1024);
  }
}

TEST_CASE("ParseMeminfo rejects input without fields and lines without a name",
          "[agent][meminfo]") {
  std::vector<MeminfoField> fields;
  SECTION("empty input") {
    const absl::Status status = ParseMeminfo("", &fields);
    CHECK(absl::IsInvalidArgument(status));
    CHECK(status.message() == "/proc/meminfo: no fields in input");
  }
  SECTION("blank lines only") {
    CHECK(ParseMeminfo("\n  \n\n", &fields).message() == "/proc/meminfo: no fields in input");
  }
  SECTION("a line without ':'") {
    CHECK(ParseMeminfo("MemTotal: 1 kB\nMemFree 2 kB\n", &fields).message() ==
          "/proc/meminfo line 2 (\"MemFree 2 kB\"): expected ':'");
  }
  SECTION("an empty name") {
    CHECK(ParseMeminfo(": 1 kB\n", &fields).message() ==
          "/proc/meminfo line 1 (\": 1 kB\"): empty field name");
  }
  SECTION("a name with a blank") {
    CHECK(ParseMeminfo("Mem Total: 1 kB\n", &fields).message() ==
          "/proc/meminfo line 1 (\"Mem Total: 1 kB\"): field name contains a blank");
  }
  SECTION("blank lines between fields and no final newline") {
    REQUIRE(ParseMeminfo("MemTotal: 1 kB\n\nMemFree: 2 kB", &fields).ok());
    REQUIRE(fields.size() == 2);
    CHECK(fields[1].name == "MemFree");
    CHECK(fields[1].value == 2048);
  }
}

TEST_CASE("ParseMeminfo rejects values that are not decimal uint64s", "[agent][meminfo]") {
  std::vector<MeminfoField> fields;
  SECTION("non-numeric") {
    const absl::Status status = ParseMeminfo("MemTotal:  abc kB\n", &fields);
    CHECK(absl::IsInvalidArgument(status));
    CHECK(status.message() ==
          "/proc/meminfo line 1 (\"MemTotal:  abc kB\"): MemTotal: not an unsigned integer: "
          "\"abc\"");
  }
  SECTION("2^64 overflows") {
    CHECK(ParseMeminfo("MemFree: 18446744073709551616 kB\n", &fields).message() ==
          "/proc/meminfo line 1 (\"MemFree: 18446744073709551616 kB\"): MemFree: integer out of "
          "range: \"18446744073709551616\"");
  }
  SECTION("2^64 - 1 fits") {
    REQUIRE(ParseMeminfo("HugePages_Free: 18446744073709551615\n", &fields).ok());
    CHECK(fields[0].value == 18446744073709551615.0);
  }
  SECTION("negative") {
    CHECK(ParseMeminfo("Committed_AS: -5 kB\n", &fields).message() ==
          "/proc/meminfo line 1 (\"Committed_AS: -5 kB\"): Committed_AS: not an unsigned "
          "integer: \"-5\"");
  }
  SECTION("fractional") {
    CHECK(ParseMeminfo("Cached: 1.5 kB\n", &fields).message() ==
          "/proc/meminfo line 1 (\"Cached: 1.5 kB\"): Cached: not an unsigned integer: \"1.5\"");
  }
}

TEST_CASE("ParseMeminfo rejects units other than kB and trailing text", "[agent][meminfo]") {
  std::vector<MeminfoField> fields;
  CHECK(ParseMeminfo("MemTotal: 16 MB\n", &fields).message() ==
        "/proc/meminfo line 1 (\"MemTotal: 16 MB\"): unknown unit \"MB\", expected \"kB\"");
  CHECK(ParseMeminfo("MemTotal: 16 KB\n", &fields).message() ==
        "/proc/meminfo line 1 (\"MemTotal: 16 KB\"): unknown unit \"KB\", expected \"kB\"");
  CHECK(ParseMeminfo("MemTotal: 16 kB extra\n", &fields).message() ==
        "/proc/meminfo line 1 (\"MemTotal: 16 kB extra\"): unexpected text after the unit: "
        "\"extra\"");
}

TEST_CASE("ParseMeminfo clears its output and reuses the vector", "[agent][meminfo]") {
  const std::string fixture = ReadFixture("proc/meminfo");
  std::vector<MeminfoField> fields;
  REQUIRE(ParseMeminfo(fixture, &fields).ok());
  const MeminfoField* const storage = fields.data();

  REQUIRE(ParseMeminfo("MemTotal:\t8 kB\nHugePages_Surp: 3\n", &fields).ok());
  CHECK(fields.data() == storage);
  REQUIRE(fields.size() == 2);
  CHECK(fields[0].name == "MemTotal");
  CHECK(fields[0].value == 8192);
  CHECK(fields[1].name == "HugePages_Surp");
  CHECK(fields[1].value == 3);
  CHECK_FALSE(fields[1].has_unit);

  REQUIRE(ParseMeminfo(fixture, &fields).ok());
  CHECK(fields.data() == storage);
  CHECK(fields.size() == 54);
}

TEST_CASE("ParseMeminfo benchmark on the fixture", "[.][benchmark][agent][meminfo]") {
  const std::string fixture = ReadFixture("proc/meminfo");
  std::vector<MeminfoField> fields;
  std::string name;
  BENCHMARK("ParseMeminfo + MeminfoMetricName") {
    if (!ParseMeminfo(fixture, &fields).ok()) return size_t{0};
    size_t total = 0;
    for (const MeminfoField& field : fields) {
      MeminfoMetricName(field, &name);
      total += name.size();
    }
    return total;
  };
}

}  // namespace
}  // namespace hostmon::agent
