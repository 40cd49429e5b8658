// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/textfile/textfile_parser.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "absl/strings/string_view.h"
#include "fakes/fixtures.h"

namespace hostmon::agent {
namespace {

using testing::ReadFixture;

const TextfileSample* FindSample(const TextfileData& d, absl::string_view name,
                                 absl::string_view label_value = "") {
  for (const TextfileSample& s : d.samples) {
    if (s.name != name) continue;
    if (label_value.empty()) return &s;
    for (size_t l = s.label_begin; l < s.label_end; ++l) {
      if (d.labels[l].value == label_value) return &s;
    }
  }
  return nullptr;
}

std::string Parse(absl::string_view text) {
  TextfileData d;
  return std::string(ParseTextfile("/t/x.prom", text, &d).message());
}

TEST_CASE("ParseTextfile reads the fixture's families, labels and values", "[agent][textfile]") {
  const std::string text = ReadFixture("textfile/app.prom");
  TextfileData d;
  const absl::Status status = ParseTextfile("textfile/app.prom", text, &d);
  INFO(status.ToString());
  REQUIRE(status.ok());
  CHECK(d.samples.size() == 19);
  CHECK_FALSE(d.has_timestamps());

  const TextfileSample* ts = FindSample(d, "backup_last_success_timestamp_seconds", "db");
  REQUIRE(ts != nullptr);
  CHECK(ts->value == 1700000123.0);
  const TextfileFamily& ts_family = d.families[ts->family];
  CHECK(ts_family.type == TextfileType::kGauge);
  CHECK(ts_family.help == "Unix time of the last successful backup.");

  const TextfileSample* failed = FindSample(d, "backup_runs_total", "failed");
  REQUIRE(failed != nullptr);
  CHECK(failed->value == 3);
  REQUIRE(failed->label_end - failed->label_begin == 3);
  CHECK(d.labels[failed->label_begin + 2].name == "note");
  CHECK(d.labels[failed->label_begin + 2].value == "quote \" backslash \\ newline \n end");
  const TextfileFamily& runs = d.families[failed->family];
  CHECK(runs.type == TextfileType::kCounter);
  CHECK(runs.help == "Backups started, with an escaped \\ backslash and a\nnewline in help.");
  // The union of the family's label names, in first-seen order.
  REQUIRE(runs.union_end - runs.union_begin == 3);
  CHECK(d.label_names[runs.union_begin] == "job");
  CHECK(d.label_names[runs.union_begin + 1] == "result");
  CHECK(d.label_names[runs.union_begin + 2] == "note");

  const TextfileSample* apt = FindSample(d, "apt_upgrades_pending", "Debian");
  REQUIRE(apt != nullptr);
  CHECK(apt->value == 12);
  CHECK(d.families[apt->family].type == TextfileType::kUntyped);
  CHECK_FALSE(d.families[apt->family].has_help);

  // _sum/_count/_bucket join their summary/histogram family.
  const TextfileSample* sum = FindSample(d, "job_duration_seconds_sum");
  REQUIRE(sum != nullptr);
  CHECK(sum->value == 523.5);
  CHECK(d.families[sum->family].name == "job_duration_seconds");
  CHECK(d.families[sum->family].type == TextfileType::kSummary);
  const TextfileSample* bucket = FindSample(d, "request_size_bytes_bucket", "+Inf");
  REQUIRE(bucket != nullptr);
  CHECK(bucket->value == 9);
  CHECK(d.families[bucket->family].type == TextfileType::kHistogram);

  CHECK(std::isnan(FindSample(d, "special_values", "nan")->value));
  CHECK(FindSample(d, "special_values", "inf")->value == HUGE_VAL);
  CHECK(FindSample(d, "special_values", "ninf")->value == -HUGE_VAL);
}

TEST_CASE("ParseTextfile on a file cut mid-line", "[agent][textfile]") {
  const std::string text = ReadFixture("textfile/raid.prom");
  TextfileData d;
  SECTION("cut inside a label value") {
    const size_t at = text.find("md1");
    CHECK(ParseTextfile("r.prom", text.substr(0, at + 2), &d).message() ==
          "r.prom line 4: value of label \"array\" is not terminated");
  }
  SECTION("cut before the value") {
    const size_t at = text.find("\"md1\"}");
    CHECK(ParseTextfile("r.prom", text.substr(0, at + 6), &d).message() ==
          "r.prom line 4: no value for metric \"raid_disks_failed\"");
  }
  SECTION("cut at a line end keeps the complete lines") {
    const size_t at = text.find("raid_disks_failed{array=\"md1\"}");
    REQUIRE(ParseTextfile("r.prom", text.substr(0, at), &d).ok());
    CHECK(d.samples.size() == 1);
  }
}

TEST_CASE("ParseTextfile rejects malformed lines with file and line", "[agent][textfile]") {
  CHECK(Parse("a 1\n{x=\"1\"} 2\n") == "/t/x.prom line 2: invalid metric name");
  CHECK(Parse("a{x=1} 2\n") == "/t/x.prom line 1: expected '\"' to start the value of label \"x\"");
  CHECK(Parse("a{x=\"1\",x=\"2\"} 2\n") == "/t/x.prom line 1: duplicate label name \"x\"");
  CHECK(Parse("a{__name__=\"b\"} 2\n") == "/t/x.prom line 1: label name \"__name__\" is reserved");
  CHECK(Parse("a{x=\"\\t\"} 2\n") == "/t/x.prom line 1: invalid escape sequence '\\t'");
  CHECK(Parse("a{x=\"1\" y=\"2\"} 2\n") ==
        "/t/x.prom line 1: expected ',' or '}' after a label value");
  CHECK(Parse("# TYPE a gauge\n# TYPE a counter\n") ==
        "/t/x.prom line 2: second TYPE line for metric name \"a\", or TYPE reported after samples");
  CHECK(Parse("a 1\n# TYPE a gauge\n") ==
        "/t/x.prom line 2: second TYPE line for metric name \"a\", or TYPE reported after samples");
  CHECK(Parse("# HELP a x\n# HELP a y\n") ==
        "/t/x.prom line 2: second HELP line for metric name \"a\"");
  CHECK(Parse("# TYPE a meter\n") == "/t/x.prom line 1: unknown metric type \"meter\"");
  CHECK(Parse("# HELP 1a x\n") == "/t/x.prom line 1: invalid metric name in HELP line");
  CHECK(Parse("a 1 2 3\n") == "/t/x.prom line 1: unexpected text after the timestamp");
  // Free-form comments, blank lines, CRLF and a missing final newline are fine.
  CHECK(Parse("# just a comment\n\n  \r\na{b=\"c\",} 1\r\n# TYPE b gauge\nb 2") == "");
}

TEST_CASE("ParseTextfile rejects bad numbers", "[agent][textfile]") {
  CHECK(Parse("a abc\n") == "/t/x.prom line 1: a: not a number: \"abc\"");
  CHECK(Parse("a 1.5.5\n") == "/t/x.prom line 1: a: not a number: \"1.5.5\"");
  CHECK(Parse("a ++1\n") == "/t/x.prom line 1: a: not a number: \"++1\"");
  CHECK(Parse("a 1 99999999999999999999\n") ==
        "/t/x.prom line 1: timestamp: not an integer: \"99999999999999999999\"");
  CHECK(Parse("a 1 1.5\n") == "/t/x.prom line 1: timestamp: not an integer: \"1.5\"");
  TextfileData d;
  REQUIRE(ParseTextfile("x", "a 1e308\nb 2 -5\n", &d).ok());
  CHECK(d.samples[0].value == 1e308);
  CHECK(d.has_timestamps());
  // Beyond a double's range: Go's ParseFloat fails too (ErrRange), so does ours.
  CHECK(Parse("a 1e400\n") == "/t/x.prom line 1: a: number out of range: \"1e400\"");
}

TEST_CASE("ParseTextfile reuses its buffers", "[agent][textfile]") {
  const std::string text = ReadFixture("textfile/app.prom");
  TextfileData d;
  REQUIRE(ParseTextfile("a", text, &d).ok());
  const TextfileSample* samples = d.samples.data();
  const char* arena = d.arena.data();
  REQUIRE(ParseTextfile("a", text, &d).ok());
  CHECK(d.samples.data() == samples);
  CHECK(d.arena.data() == arena);
}

}  // namespace
}  // namespace hostmon::agent
