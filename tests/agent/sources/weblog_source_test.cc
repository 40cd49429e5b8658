// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/weblog/weblog_source.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <string>

#include "fakes/sample_recorder.h"
#include "fakes/source_context.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

using testing::CollectOk;
using testing::SampleRecorder;
using testing::ScopedTempDir;
using testing::TestContext;

void Append(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::app);
  f << text;
}

std::string Line(int status, const char* method = "GET", const char* seconds = "0.020") {
  return std::string("10.0.0.1 - - [07/Dec/2026:01:02:03 +0000] \"") + method + " /p HTTP/1.1\" " +
         std::to_string(status) + " 5 \"-\" \"t\" " + seconds + " \"-\"\n";
}

std::string Requests(const char* cls, const char* method = "GET") {
  return std::string("hostmon_weblog_requests_total{log=\"web\",method=\"") + method +
         "\",status_class=\"" + cls + "\"}";
}

struct Fixture {
  ScopedTempDir dir;
  std::string log = dir.Write("access.log", "");
  std::string config =
      dir.Write("weblogs.yml", "logs:\n  - {name: web, path: access.log, format: nginx_timed}\n");
  std::string state = dir.File("weblog.state");

  SourcePtr Make() {
    TestContext ctx("weblog", common::FsRoot(), {{"config", config}, {"state-file", state}});
    absl::StatusOr<SourcePtr> source = MakeWeblogSource(ctx);
    INFO(source.status().ToString());
    REQUIRE(source.ok());
    return *std::move(source);
  }
};

TEST_CASE("weblog source: requests by status class and method, histogram, health",
          "[agent][weblog]") {
  Fixture f;
  SourcePtr source = f.Make();
  SampleRecorder first = CollectOk(*source);
  CHECK(first.Get("hostmon_weblog_file_present{log=\"web\"}") == 1);
  CHECK(first.Get("hostmon_weblog_malformed_lines_total{log=\"web\"}") == 0);
  CHECK(first.Count("hostmon_weblog_requests_total") == 0);  // no method seen yet
  Append(f.log, Line(200) + Line(200) + Line(503, "GET", "1.500") + Line(404, "PROPFIND") +
                    "garbage\n" + Line(201, "POST", "0.004"));
  SampleRecorder rec = CollectOk(*source);
  CHECK(rec.Get(Requests("2xx")) == 2);
  CHECK(rec.Get(Requests("5xx")) == 1);
  CHECK(rec.Get(Requests("1xx")) == 0);  // zeros for every class of a method seen
  CHECK_FALSE(rec.Has(Requests("other")));
  CHECK(rec.Get(Requests("4xx", "other")) == 1);
  CHECK(rec.Get(Requests("2xx", "POST")) == 1);
  CHECK(rec.Get("hostmon_weblog_malformed_lines_total{log=\"web\"}") == 1);
  CHECK(rec.Get("hostmon_weblog_response_seconds_bucket{le=\"0.005\",log=\"web\"}") == 1);
  CHECK(rec.Get("hostmon_weblog_response_seconds_bucket{le=\"0.025\",log=\"web\"}") == 4);
  CHECK(rec.Get("hostmon_weblog_response_seconds_bucket{le=\"1\",log=\"web\"}") == 4);
  CHECK(rec.Get("hostmon_weblog_response_seconds_bucket{le=\"2.5\",log=\"web\"}") == 5);
  CHECK(rec.Get("hostmon_weblog_response_seconds_bucket{le=\"+Inf\",log=\"web\"}") == 5);
  CHECK(rec.Get("hostmon_weblog_response_seconds_count{log=\"web\"}") == 5);
  CHECK(rec.Get("hostmon_weblog_response_seconds_sum{log=\"web\"}") == Approx(1.564));
  CHECK(rec.Get("hostmon_weblog_read_bytes_total{log=\"web\"}") > 400);
  CHECK(rec.Get("hostmon_weblog_rotations_total{log=\"web\"}") == 0);
  CHECK(rec.Get("hostmon_weblog_read_errors_total{log=\"web\"}") == 0);
  CHECK(rec.types["hostmon_weblog_requests_total"] == kCounter);
  // Never a path, client or URL label.
  for (const auto& [key, value] : rec.samples) {
    CHECK(key.find("access.log") == std::string::npos);
    CHECK(key.find("10.0.0.1") == std::string::npos);
  }
}

TEST_CASE("weblog source: a restart continues with the saved position and counters",
          "[agent][weblog]") {
  Fixture f;
  {
    SourcePtr source = f.Make();
    CollectOk(*source);
    Append(f.log, Line(200) + Line(500) + "partial 200");
    SampleRecorder rec = CollectOk(*source);
    CHECK(rec.Get(Requests("2xx")) == 1);
    CHECK(rec.Get(Requests("5xx")) == 1);
  }
  // Lines written while the agent is down are counted once, after the restart; the counters
  // continue instead of resetting.
  Append(f.log, " line\n" + Line(200));
  SourcePtr source = f.Make();
  SampleRecorder rec = CollectOk(*source);
  CHECK(rec.Get(Requests("2xx")) == 2);
  CHECK(rec.Get(Requests("5xx")) == 1);
  CHECK(rec.Get("hostmon_weblog_malformed_lines_total{log=\"web\"}") == 1);  // "partial 200 line"
  SampleRecorder again = CollectOk(*source);
  CHECK(again.Get(Requests("2xx")) == 2);

  SECTION("a corrupt state file starts over, as a first start") {
    source.reset();
    Append(f.state, "garbage");
    Append(f.log, Line(200));
    SourcePtr fresh = f.Make();
    SampleRecorder r = CollectOk(*fresh);
    CHECK(r.Count("hostmon_weblog_requests_total") == 0);  // tailed from the end
  }
}

TEST_CASE("weblog source: no config, a bad config, a missing file", "[agent][weblog]") {
  ScopedTempDir dir;
  {
    TestContext ctx("weblog", common::FsRoot(), {{"state-file", ""}});
    absl::StatusOr<SourcePtr> source = MakeWeblogSource(ctx);
    REQUIRE(source.ok());
    SampleRecorder rec = CollectOk(**source);  // nothing to read (a warning at the start)
    CHECK(rec.samples.empty());
  }
  {
    const std::string config =
        dir.Write("bad.yml", "logs:\n  - {name: a, path: /a}\n  - {name: a, path: /b}\n");
    TestContext ctx("weblog", common::FsRoot(), {{"config", config}});
    absl::StatusOr<SourcePtr> source = MakeWeblogSource(ctx);
    REQUIRE_FALSE(source.ok());
    CHECK_THAT(std::string(source.status().message()),
               Catch::Contains("bad.yml:3: field \"logs[1].name\": duplicate log name a"));
  }
  {
    const std::string config =
        dir.Write("missing.yml", "logs:\n  - {name: m, path: " + dir.File("none.log") + "}\n");
    TestContext ctx("weblog", common::FsRoot(), {{"config", config}, {"state-file", ""}});
    absl::StatusOr<SourcePtr> source = MakeWeblogSource(ctx);
    REQUIRE(source.ok());
    SampleRecorder rec = CollectOk(**source);
    CHECK(rec.Get("hostmon_weblog_file_present{log=\"m\"}") == 0);
    CHECK(rec.Get("hostmon_weblog_read_errors_total{log=\"m\"}") == 0);
  }
}

}  // namespace
}  // namespace hostmon::agent
