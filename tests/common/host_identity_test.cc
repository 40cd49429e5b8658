// SPDX-License-Identifier: Apache-2.0
#include "common/host_identity.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace hostmon::common {
namespace {

std::string Msg(const absl::Status& s) { return std::string(s.message()); }

TEST_CASE("ValidateHostName accepts 1..253 bytes of UTF-8 without control characters",
          "[common][host_identity]") {
  CHECK(ValidateHostName("web1").ok());
  CHECK(ValidateHostName("web1.example.org").ok());
  CHECK(ValidateHostName("h\xC3\xA9te").ok());  // UTF-8 is allowed, as in label values
  CHECK(ValidateHostName(std::string(253, 'a')).ok());
  for (const std::string& bad :
       {std::string(), std::string(254, 'a'), std::string("bad\nname"), std::string("tab\there"),
        std::string("\xff\xfe", 2), std::string("del\x7f")}) {
    INFO(bad);
    absl::Status s = ValidateHostName(bad);
    CHECK(s.code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(Msg(s), Catch::Contains("1..253 bytes of UTF-8"));
  }
}

TEST_CASE("ValidateStaticLabel rejects invalid and reserved names and bad values",
          "[common][host_identity]") {
  CHECK(ValidateStaticLabel("job", "node").ok());
  CHECK(ValidateStaticLabel("dc", "fra\xC3\xA9").ok());
  CHECK(ValidateStaticLabel("dc", std::string(kMaxStaticLabelValueBytes, 'x')).ok());
  for (const char* name : {"__meta", "9lives", "with-dash", ""}) {
    INFO(name);
    CHECK_THAT(Msg(ValidateStaticLabel(name, "v")),
               Catch::Contains(std::string("label name \"") + name + "\" is not valid"));
  }
  CHECK_THAT(Msg(ValidateStaticLabel("instance", "x")), Catch::Contains("\"instance\""));
  CHECK_THAT(Msg(ValidateStaticLabel("dc", "fra\xC3")),
             Catch::Contains("label \"dc\": value is not UTF-8"));
  CHECK_THAT(Msg(ValidateStaticLabel("dc", std::string(kMaxStaticLabelValueBytes + 1, 'x'))),
             Catch::Contains("label \"dc\": value is longer than 4096 bytes"));
  CHECK_THAT(Msg(ValidateStaticLabel("dc", "xyz", 2)),
             Catch::Contains("value is longer than 2 bytes"));
}

TEST_CASE("Reserved label names: __*, instance, job and the collector's alert labels",
          "[common][host_identity]") {
  for (const char* name :
       {"__name__", "__x", "instance", "job", "alertname", "alertstate", "severity", "rule"}) {
    INFO(name);
    CHECK(IsReservedLabelName(name));
  }
  for (const char* name : {"dc", "cpu", "jobs", "rules", "_x"}) {
    INFO(name);
    CHECK_FALSE(IsReservedLabelName(name));
  }
}

TEST_CASE("ValidateStaticLabel refuses the collector's labels, job only where allowed",
          "[common][host_identity]") {
  for (const char* name : {"alertname", "alertstate", "severity", "rule"}) {
    INFO(name);
    CHECK_THAT(Msg(ValidateStaticLabel(name, "x")),
               Catch::Contains(std::string("label \"") + name + "\" is reserved"));
  }
  CHECK(ValidateStaticLabel("job", "db", kMaxStaticLabelValueBytes, /*allow_job=*/true).ok());
  CHECK_THAT(Msg(ValidateStaticLabel("job", "db", kMaxStaticLabelValueBytes, false)),
             Catch::Contains("hosts.allowed_static_labels"));
  CHECK_THAT(Msg(ValidateStaticLabel("instance", "x", kMaxStaticLabelValueBytes, true)),
             Catch::Contains("\"instance\""));
}

std::string SeriesMsg(std::vector<LabelView> labels, std::vector<std::string> host = {},
                      size_t* failed = nullptr) {
  return Msg(ValidateSeriesLabels(labels, host, kMaxStaticLabelValueBytes, failed));
}

TEST_CASE("ValidateSeriesLabels: syntax, reserved, host labels, UTF-8, order, duplicates",
          "[common][host_identity]") {
  CHECK(ValidateSeriesLabels({}, {}).ok());
  CHECK(ValidateSeriesLabels({{"cpu", "0"}, {"mode", "idle"}}, {"dc", "instance", "job"}).ok());
  for (const char* name : {"instance", "job", "alertname", "alertstate", "severity", "rule"}) {
    INFO(name);
    CHECK_THAT(SeriesMsg({{name, "x"}}), Catch::Contains("is reserved"));
  }
  CHECK_THAT(SeriesMsg({{"__name__", "x"}}), Catch::Contains("\"__name__\" is not valid"));
  CHECK_THAT(SeriesMsg({{"dc", "x"}}, {"dc"}), Catch::Contains("static label of the host"));
  CHECK_THAT(SeriesMsg({{"bad-name", "x"}}),
             Catch::Contains("label name \"bad-name\" is not valid"));
  CHECK_THAT(SeriesMsg({{"a", "\xc3"}}), Catch::Contains("label \"a\": value is not UTF-8"));
  CHECK_THAT(SeriesMsg({{"a", std::string(kMaxStaticLabelValueBytes + 1, 'x')}}),
             Catch::Contains("longer than 4096 bytes"));
  size_t failed = 99;
  CHECK_THAT(SeriesMsg({{"a", "1"}, {"c", "1"}, {"b", "2"}}, {}, &failed),
             Catch::Contains("not sorted by name (\"b\" after \"c\")"));
  CHECK(failed == 2);
  CHECK_THAT(SeriesMsg({{"a", "1"}, {"a", "2"}}, {}, &failed),
             Catch::Contains("duplicate label \"a\""));
  CHECK(failed == 1);
}

TEST_CASE("SeriesText names a series for error messages, escaped and bounded",
          "[common][host_identity]") {
  CHECK(SeriesText("node_load1", {}) == "node_load1{}");
  CHECK(SeriesText("m", {{"a", "1"}, {"b", "x\"y"}}) == "m{a=\"1\",b=\"x\\\"y\"}");
  std::vector<LabelView> many(20, LabelView{"a", "v"});
  CHECK_THAT(SeriesText("m", many), Catch::EndsWith(",...}"));
  CHECK(SeriesText("m", {{"a", std::string(100, 'v')}}).size() < 80);
}

}  // namespace
}  // namespace hostmon::common
