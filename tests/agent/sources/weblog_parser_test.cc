// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/weblog/weblog_parser.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "fakes/fixtures.h"

namespace hostmon::agent::weblog {
namespace {

using testing::ReadFixture;

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

std::string Message(const absl::Status& status) { return std::string(status.message()); }

LogLine ParseOk(Format format, absl::string_view line) {
  LogLine out;
  const absl::Status status = ParseBuiltin(format, line, &out);
  INFO(status.ToString());
  REQUIRE(status.ok());
  return out;
}

std::string ParseError(Format format, absl::string_view line) {
  LogLine out;
  const absl::Status status = ParseBuiltin(format, line, &out);
  REQUIRE_FALSE(status.ok());
  CHECK(status.code() == absl::StatusCode::kInvalidArgument);
  return std::string(status.message());
}

TEST_CASE("weblog combined: the golden nginx/Apache lines", "[agent][weblog]") {
  const std::vector<std::string> lines = Lines(ReadFixture("weblog/combined.log"));
  REQUIRE(lines.size() == 9);
  struct Want {
    int status;
    absl::string_view method;
  };
  const Want want[] = {{200, "GET"}, {201, "POST"}, {304, "HEAD"},  {404, "DELETE"}, {400, "other"},
                       {502, "GET"}, {503, "GET"},  {418, "other"}, {400, "other"}};
  for (size_t i = 0; i < lines.size(); ++i) {
    INFO(lines[i]);
    const LogLine l = ParseOk(Format::kCombined, lines[i]);
    CHECK(l.status == want[i].status);
    CHECK(kStatusClasses[l.status_class] == absl::StrCat(want[i].status / 100, "xx"));
    CHECK(kMethods[l.method] == want[i].method);
    CHECK_FALSE(l.has_duration);
  }
}

TEST_CASE("weblog nginx_timed and apache_timed: the response time", "[agent][weblog]") {
  const std::vector<std::string> nginx = Lines(ReadFixture("weblog/nginx_timed.log"));
  REQUIRE(nginx.size() == 4);
  const double seconds[] = {0.003, 1.502, 0.040, 0.0};
  for (size_t i = 0; i < nginx.size(); ++i) {
    const LogLine l = ParseOk(Format::kNginxTimed, nginx[i]);
    CHECK(l.has_duration);
    CHECK(l.duration_seconds == Approx(seconds[i]));
  }
  CHECK(ParseOk(Format::kNginxTimed, nginx[2]).status == 500);
  CHECK(kMethods[ParseOk(Format::kNginxTimed, nginx[2]).method] == "PUT");
  // A timed line is also a valid combined line (trailing fields are ignored).
  CHECK_FALSE(ParseOk(Format::kCombined, nginx[1]).has_duration);

  const std::vector<std::string> apache = Lines(ReadFixture("weblog/apache_timed.log"));
  REQUIRE(apache.size() == 2);
  CHECK(ParseOk(Format::kApacheTimed, apache[0]).duration_seconds == Approx(0.003021));
  const LogLine options = ParseOk(Format::kApacheTimed, apache[1]);
  CHECK(kMethods[options.method] == "OPTIONS");
  CHECK(options.duration_seconds == Approx(12e-6));
}

TEST_CASE("weblog combined: truncated lines name the first missing field", "[agent][weblog]") {
  const std::string full =
      "127.0.0.1 - - [07/Dec/2026:01:02:03 +0000] \"GET / HTTP/1.1\" 200 2 \"-\" \"curl\"";
  CHECK_THAT(ParseError(Format::kCombined, full.substr(0, 9)),
             Catch::Contains("field remote_addr"));
  CHECK_THAT(ParseError(Format::kCombined, full.substr(0, 20)), Catch::Contains("field time"));
  CHECK_THAT(ParseError(Format::kCombined, full.substr(0, 50)),
             Catch::Contains("field request: missing or no closing quote"));
  CHECK_THAT(ParseError(Format::kCombined, full.substr(0, 61)), Catch::Contains("field status"));
  CHECK_THAT(ParseError(Format::kCombined, full.substr(0, 64)),
             Catch::Contains("field body_bytes_sent: missing"));
  CHECK_THAT(ParseError(Format::kCombined, full.substr(0, full.size() - 1)),
             Catch::Contains("field http_user_agent"));
  CHECK_THAT(ParseError(Format::kNginxTimed, full), Catch::Contains("field request_time: missing"));
  CHECK_THAT(ParseError(Format::kApacheTimed, full), Catch::Contains("field %D"));
  CHECK(ParseError(Format::kCombined, "") == "empty line");
  CHECK(ParseError(Format::kCombined, "\r") == "empty line");
  // Every prefix is an error or a valid line, never a crash.
  for (size_t n = 0; n < full.size(); ++n) {
    LogLine out;
    CHECK_FALSE(ParseBuiltin(Format::kNginxTimed, full.substr(0, n), &out).ok());
  }
}

TEST_CASE("weblog combined: missing field and bad numbers", "[agent][weblog]") {
  // Common log format (no referer and user agent) is not combined.
  CHECK_THAT(ParseError(Format::kCombined,
                        "1.2.3.4 - - [07/Dec/2026:01:02:03 +0000] \"GET / HTTP/1.1\" 200 2"),
             Catch::Contains("field http_referer: missing"));
  CHECK_THAT(ParseError(Format::kCombined,
                        "1.2.3.4 - - [07/Dec/2026:01:02:03 +0000] \"GET / HTTP/1.1\" 2x0 2 \"-\" "
                        "\"-\""),
             Catch::Contains("field status: not a 3-digit status code: \"2x0\""));
  CHECK_THAT(ParseError(Format::kCombined,
                        "1.2.3.4 - - [07/Dec/2026:01:02:03 +0000] \"GET / HTTP/1.1\" 2000 2 \"-\" "
                        "\"-\""),
             Catch::Contains("field status"));
  CHECK_THAT(ParseError(Format::kCombined,
                        "1.2.3.4 - - [07/Dec/2026:01:02:03 +0000] \"GET / HTTP/1.1\" 099 2 \"-\" "
                        "\"-\""),
             Catch::Contains("field status"));
  CHECK_THAT(ParseError(Format::kCombined,
                        "1.2.3.4 - - [07/Dec/2026:01:02:03 +0000] \"GET / HTTP/1.1\" 200 -2 \"-\" "
                        "\"-\""),
             Catch::Contains("field body_bytes_sent: not a number"));
  const std::string head =
      "1.2.3.4 - - [07/Dec/2026:01:02:03 +0000] \"GET / HTTP/1.1\" 200 2 \"-\" \"-\" ";
  for (const char* bad : {"nan", "inf", "-1", "1e3", "0.", ".5", "1.2.3", "0x10"}) {
    INFO(bad);
    CHECK_THAT(ParseError(Format::kNginxTimed, head + bad),
               Catch::Contains("field request_time: not a decimal number of seconds"));
  }
  CHECK_THAT(ParseError(Format::kApacheTimed, head + "12.5"),
             Catch::Contains("not an integer number of microseconds"));
  CHECK_THAT(ParseError(Format::kApacheTimed, head + "99999999999999999999999"),
             Catch::Contains("not an integer number of microseconds"));
  // A status outside 100..599 parses, in class "other".
  CHECK(kStatusClasses[ParseOk(Format::kCombined,
                               "1.2.3.4 - - [x] \"GET / HTTP/1.1\" 999 2 \"-\" \"-\"")
                           .status_class] == "other");
}

TEST_CASE("weblog: errors quote the line C-escaped and cut", "[agent][weblog]") {
  const std::string line = std::string("\xff\xfe binary ") + std::string(200, 'x');
  const std::string error = ParseError(Format::kCombined, line);
  CHECK_THAT(error, Catch::Contains("\\377\\376 binary"));
  CHECK_THAT(error, Catch::EndsWith("...\""));
  CHECK(error.size() < 200);
}

TEST_CASE("weblog: trailing CR (CRLF logs) is ignored", "[agent][weblog]") {
  const LogLine l = ParseOk(
      Format::kNginxTimed,
      "1.2.3.4 - - [07/Dec/2026:01:02:03 +0000] \"GET / HTTP/1.1\" 200 2 \"-\" \"-\" 0.250\r");
  CHECK(l.duration_seconds == Approx(0.25));
}

TEST_CASE("weblog custom pattern: named groups and units", "[agent][weblog]") {
  absl::StatusOr<LineParser> p = LineParser::Make(
      Format::kCustom, R"(^(?P<method>\S+) (?P<path>\S+) (?P<status>\d+) (?P<duration>\S+)ms$)",
      1e-3);
  REQUIRE(p.ok());
  CHECK(p->has_duration());
  LogLine l;
  REQUIRE(p->Parse("PATCH /a 503 250ms", &l).ok());
  CHECK(l.status == 503);
  CHECK(kMethods[l.method] == "PATCH");
  CHECK(l.duration_seconds == Approx(0.25));
  REQUIRE(p->Parse("GET /a 200 -ms", &l).ok());
  CHECK_FALSE(l.has_duration);
  CHECK_THAT(Message(p->Parse("GET /a 200 fast ms", &l)), Catch::Contains("does not match"));
  CHECK_THAT(Message(p->Parse("GET /a 200 fastms", &l)),
             Catch::Contains("group duration: not a non-negative number: \"fast\""));
  CHECK_THAT(Message(p->Parse("GET /a 20 1ms", &l)), Catch::Contains("group status"));

  absl::StatusOr<LineParser> request =
      LineParser::Make(Format::kCustom, R"re("(?P<request>[^"]*)" (?P<status>\d{3}))re");
  REQUIRE(request.ok());
  CHECK_FALSE(request->has_duration());
  REQUIRE(request->Parse("x \"POST /y HTTP/1.1\" 200", &l).ok());
  CHECK(kMethods[l.method] == "POST");

  CHECK_THAT(std::string(LineParser::Make(Format::kCustom, "(?P<status>").status().message()),
             Catch::Contains("invalid RE2 pattern"));
  CHECK_THAT(std::string(LineParser::Make(Format::kCustom, "(?P<code>\\d+)").status().message()),
             Catch::Contains("(?P<status>...)"));
}

TEST_CASE("weblog: method and status class buckets", "[agent][weblog]") {
  CHECK(kMethods[MethodIndex("GET")] == "GET");
  CHECK(kMethods[MethodIndex("get")] == "other");
  CHECK(kMethods[MethodIndex("")] == "other");
  CHECK(kMethods[MethodIndex("PROPFIND")] == "other");
  CHECK(kStatusClasses[StatusClassIndex(100)] == "1xx");
  CHECK(kStatusClasses[StatusClassIndex(599)] == "5xx");
  CHECK(kStatusClasses[StatusClassIndex(600)] == "other");
  CHECK(kStatusClasses[StatusClassIndex(0)] == "other");
}

}  // namespace
}  // namespace hostmon::agent::weblog
