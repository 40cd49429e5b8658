// SPDX-License-Identifier: Apache-2.0
#include "common/text_parse.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace hostmon::common {
namespace {

std::vector<std::string> Split(absl::string_view line) {
  Fields f;
  SplitFields(line, &f);
  return std::vector<std::string>(f.begin(), f.end());
}

TEST_CASE("SplitFields splits on runs of spaces and tabs and ignores the ends",
          "[common][text_parse]") {
  CHECK(Split("cpu  1 2\t3") == std::vector<std::string>{"cpu", "1", "2", "3"});
  CHECK(Split("  \t lead and trail \t ") == std::vector<std::string>{"lead", "and", "trail"});
  CHECK(Split("one") == std::vector<std::string>{"one"});
  CHECK(Split("").empty());
  CHECK(Split(" \t \t").empty());
}

TEST_CASE("SplitFields does not split on other whitespace", "[common][text_parse]") {
  // Only space and tab separate fields; a newline stays part of the field.
  CHECK(Split("a\nb c") == std::vector<std::string>{"a\nb", "c"});
}

TEST_CASE("SplitFields clears the output and returns views into the line", "[common][text_parse]") {
  Fields f;
  f.push_back("stale");
  std::string line = "x yy";
  SplitFields(line, &f);
  REQUIRE(f.size() == 2);
  CHECK(f[0].data() == line.data());
  CHECK(f[1].data() == line.data() + 2);
  CHECK(f[1].size() == 2);
}

TEST_CASE("SplitFields handles more fields than the inline capacity", "[common][text_parse]") {
  std::string line;
  for (int i = 0; i < 40; ++i) line += std::to_string(i) + " ";
  Fields f;
  SplitFields(line, &f);
  REQUIRE(f.size() == 40);
  CHECK(f[0] == "0");
  CHECK(f[39] == "39");
}

TEST_CASE("ParseUint64 accepts plain decimal digits up to the 64-bit maximum",
          "[common][text_parse]") {
  uint64_t v = 7;
  REQUIRE(ParseUint64("0", "x", &v).ok());
  CHECK(v == 0);
  REQUIRE(ParseUint64("1234567890", "x", &v).ok());
  CHECK(v == 1234567890u);
  REQUIRE(ParseUint64("18446744073709551615", "x", &v).ok());
  CHECK(v == std::numeric_limits<uint64_t>::max());
  REQUIRE(ParseUint64("007", "x", &v).ok());
  CHECK(v == 7);
}

TEST_CASE("ParseUint64 rejects anything but digits and names the field and text",
          "[common][text_parse]") {
  uint64_t v = 0;
  for (const char* bad : {"", "+1", "-1", " 1", "1 ", "1\n", "1.0", "1e3", "0x10", "abc", "12a"}) {
    INFO("input: \"" << bad << "\"");
    absl::Status s = ParseUint64(bad, "user_hz", &v);
    CHECK(s.code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(std::string(s.message()), Catch::Contains("user_hz"));
    CHECK_THAT(std::string(s.message()), Catch::Contains(std::string("\"") + bad + "\""));
  }
}

TEST_CASE("ParseUint64 reports overflow as out of range", "[common][text_parse]") {
  uint64_t v = 0;
  absl::Status s = ParseUint64("18446744073709551616", "ctxt", &v);
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(s.message()), Catch::Contains("ctxt"));
  CHECK_THAT(std::string(s.message()), Catch::Contains("out of range"));
  CHECK_THAT(std::string(s.message()), Catch::Contains("18446744073709551616"));
  CHECK_FALSE(ParseUint64("99999999999999999999", "ctxt", &v).ok());
  CHECK_FALSE(ParseUint64("123456789012345678901", "ctxt", &v).ok());  // 21 digits
}

TEST_CASE("ParseInt64 accepts signed values across the whole range", "[common][text_parse]") {
  int64_t v = 7;
  REQUIRE(ParseInt64("-42", "x", &v).ok());
  CHECK(v == -42);
  REQUIRE(ParseInt64("42", "x", &v).ok());
  CHECK(v == 42);
  REQUIRE(ParseInt64("-0", "x", &v).ok());
  CHECK(v == 0);
  REQUIRE(ParseInt64("9223372036854775807", "x", &v).ok());
  CHECK(v == std::numeric_limits<int64_t>::max());
  REQUIRE(ParseInt64("-9223372036854775808", "x", &v).ok());
  CHECK(v == std::numeric_limits<int64_t>::min());
}

TEST_CASE("ParseInt64 rejects junk, signs other than one minus, and overflow",
          "[common][text_parse]") {
  int64_t v = 0;
  for (const char* bad : {"", "-", "+1", "--1", "- 1", " -1", "-1 ", "1.5", "abc",
                          "9223372036854775808", "-9223372036854775809", "18446744073709551615"}) {
    INFO("input: \"" << bad << "\"");
    absl::Status s = ParseInt64(bad, "steal", &v);
    CHECK(s.code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(std::string(s.message()), Catch::Contains("steal"));
    CHECK_THAT(std::string(s.message()), Catch::Contains(std::string("\"") + bad + "\""));
  }
}

TEST_CASE("ParseDouble parses decimal and exponent forms", "[common][text_parse]") {
  double v = 0;
  REQUIRE(ParseDouble("1.5", "load1", &v).ok());
  CHECK(v == 1.5);
  REQUIRE(ParseDouble("-0.25", "load1", &v).ok());
  CHECK(v == -0.25);
  REQUIRE(ParseDouble("1e3", "load1", &v).ok());
  CHECK(v == 1000.0);
  REQUIRE(ParseDouble("42", "load1", &v).ok());
  CHECK(v == 42.0);
  REQUIRE(ParseDouble("0.1", "load1", &v).ok());
  CHECK(v == 0.1);
}

TEST_CASE("ParseDouble accepts infinities", "[common][text_parse]") {
  double v = 0;
  REQUIRE(ParseDouble("inf", "x", &v).ok());
  CHECK(std::isinf(v));
  CHECK(v > 0);
  REQUIRE(ParseDouble("-inf", "x", &v).ok());
  CHECK(std::isinf(v));
  CHECK(v < 0);
}

TEST_CASE("ParseDouble rejects empty text, spaces and trailing junk, naming the field",
          "[common][text_parse]") {
  double v = 0;
  for (const char* bad : {"", " ", " 1.5", "1.5 ", "1.5x", "1.5.5", "abc", "1,5", "--1"}) {
    INFO("input: \"" << bad << "\"");
    absl::Status s = ParseDouble(bad, "load5", &v);
    CHECK(s.code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(std::string(s.message()), Catch::Contains("load5"));
    CHECK_THAT(std::string(s.message()), Catch::Contains(std::string("\"") + bad + "\""));
  }
}

// Regression: absl::SimpleAtod strips all ASCII whitespace, so tab- or newline-padded text was
// accepted although space-padded text was not.
TEST_CASE("ParseDouble rejects tab and newline padding like it rejects spaces",
          "[common][text_parse]") {
  double v = 0;
  for (const char* bad : {"1.5\n", "\t1.5", "1.5\t", "\n1.5", "1.5\r"}) {
    INFO("input: \"" << bad << "\"");
    CHECK_FALSE(ParseDouble(bad, "load15", &v).ok());
  }
}

TEST_CASE("ParseUint64File reads one-number files", "[common][text_parse]") {
  uint64_t value = 0;
  REQUIRE(ParseUint64File("4194304\n", "pid_max", &value).ok());
  CHECK(value == 4194304);
  REQUIRE(ParseUint64File(" 7 ", "f", &value).ok());
  CHECK(value == 7);
  const absl::Status empty = ParseUint64File("", "/proc/sys/kernel/pid_max", &value);
  CHECK(empty.message() == "/proc/sys/kernel/pid_max: expected one number, got 0 fields");
  CHECK(absl::IsInvalidArgument(ParseUint64File("1 2\n", "f", &value)));
  const absl::Status junk = ParseUint64File("12a\n", "f", &value);
  CHECK(absl::IsInvalidArgument(junk));
  CHECK(junk.message().substr(0, 3) == "f: ");
  CHECK(absl::IsInvalidArgument(ParseUint64File("18446744073709551616\n", "f", &value)));
}

}  // namespace
}  // namespace hostmon::common
