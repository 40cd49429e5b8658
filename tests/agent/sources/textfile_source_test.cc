// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/textfile/textfile_source.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

// Real listing, fixed mtimes (a checkout's mtimes are whatever git wrote).
class FixedMtimeOps : public TextfileDirOps {
 public:
  size_t Glob(const std::string& pattern, std::vector<std::string>* paths) override {
    return real_->Glob(pattern, paths);
  }
  absl::Status ListDir(const std::string& dir, common::DirListing* out) override {
    return real_->ListDir(dir, out);
  }
  absl::Status MtimeSeconds(const std::string&, int64_t* seconds) override {
    *seconds = 1700000000;
    return absl::OkStatus();
  }

 private:
  std::unique_ptr<TextfileDirOps> real_ = RealTextfileDirOps();
};

const std::string kDir = testing::FixturePath("textfile");

TEST_CASE("textfile exports good files and flags the broken ones", "[agent][textfile]") {
  SourcePtr source = MakeTextfileSourceWithOps(kDir, std::make_unique<FixedMtimeOps>()).value();
  testing::SampleRecorder w;
  REQUIRE(source->Collect(w).ok());
  const auto& s = w.samples;
  CHECK(s.at("node_textfile_scrape_error") == 1);
  CHECK(s.at("node_textfile_mtime_seconds{file=\"" + kDir + "/app.prom\"}") == 1700000000);
  CHECK(s.at("node_textfile_mtime_seconds{file=\"" + kDir + "/raid.prom\"}") == 1700000000);
  // broken.prom (parse error) and timestamped.prom (timestamps) are skipped entirely.
  CHECK(s.count("node_textfile_mtime_seconds{file=\"" + kDir + "/broken.prom\"}") == 0);
  CHECK(s.count("ok_metric") == 0);
  CHECK(s.count("stamped_metric") == 0);
  CHECK(s.count("not_read") == 0);  // notes.txt is not *.prom

  CHECK(s.at("raid_disks_failed{array=\"md1\"}") == 1);
  CHECK(s.at("backup_runs_total{job=\"db\",note=\"\",result=\"ok\"}") == 42);
  CHECK(s.at("apt_upgrades_pending{arch=\"\",origin=\"Debian\"}") == 12);
  CHECK(s.at("reboot_required") == 1);
  CHECK(s.at("job_duration_seconds{job=\"db\",quantile=\"0.99\"}") == 40);
  CHECK(s.at("job_duration_seconds_count{job=\"db\"}") == 41);
  CHECK(s.at("request_size_bytes_bucket{le=\"1000\"}") == 7);
  CHECK(w.types.at("backup_runs_total") == kCounter);
  CHECK(w.types.at("raid_disks_failed") == kGauge);
  CHECK(w.types.at("apt_upgrades_pending") == kUntyped);
  CHECK(w.types.at("job_duration_seconds_sum") == kUntyped);
  CHECK(w.help.at("apt_upgrades_pending") == "Metric read from " + kDir + "/app.prom");
  CHECK(w.help.at("raid_disks_failed") == "Failed disks per array.");
  CHECK(w.samples.size() == 19 + 2 + 2 + 1);  // app, raid, 2 mtimes, error
}

TEST_CASE("textfile with no directory exports only the error gauge", "[agent][textfile]") {
  SourcePtr source = MakeTextfileSourceWithOps("", std::make_unique<FixedMtimeOps>()).value();
  testing::SampleRecorder w;
  REQUIRE(source->Collect(w).ok());
  CHECK(w.samples.size() == 1);
  CHECK(w.samples.at("node_textfile_scrape_error") == 0);
}

TEST_CASE("textfile with a missing directory reports the error and succeeds", "[agent][textfile]") {
  SourcePtr source = MakeTextfileSourceWithOps(kDir + "/nonexistent", RealTextfileDirOps()).value();
  testing::SampleRecorder w;
  REQUIRE(source->Collect(w).ok());
  CHECK(w.samples.size() == 1);
  CHECK(w.samples.at("node_textfile_scrape_error") == 1);
}

TEST_CASE("textfile accepts a glob and a trailing slash", "[agent][textfile]") {
  for (const std::string& dir : {kDir + "/", testing::FixturePath("textfil*")}) {
    SourcePtr source = MakeTextfileSourceWithOps(dir, std::make_unique<FixedMtimeOps>()).value();
    testing::SampleRecorder w;
    REQUIRE(source->Collect(w).ok());
    CHECK(w.samples.count("node_textfile_mtime_seconds{file=\"" + kDir + "/raid.prom\"}") == 1);
  }
}

TEST_CASE("textfile keeps the first of duplicate series, as node_exporter", "[agent][textfile]") {
  testing::ScopedTempDir dir;
  dir.Write("a.prom", "dup{a=\"1\",b=\"2\"} 1\ndup{a=\"1\",b=\"2\"} 5\n");
  dir.Write("b.prom", "dup{b=\"2\",a=\"1\"} 2\ndup{a=\"1\"} 3\n");
  SourcePtr source =
      MakeTextfileSourceWithOps(dir.path(), std::make_unique<FixedMtimeOps>()).value();
  testing::SampleRecorder w;
  REQUIRE(source->Collect(w).ok());
  CHECK(w.samples.at("dup{a=\"1\",b=\"2\"}") == 1);
  CHECK(w.writes.at("dup{a=\"1\",b=\"2\"}") == 1);
  CHECK(w.samples.at("dup{a=\"1\",b=\"\"}") == 3);  // the file's label union
  // A dropped duplicate is logged, but is not a file error.
  CHECK(w.samples.at("node_textfile_scrape_error") == 0);
}

TEST_CASE("textfile reads regular files only, each up to max-file-bytes, errors name the file",
          "[agent][textfile]") {
  testing::ScopedTempDir dir;
  dir.Write("good.prom", "good_metric 1\n");
  dir.Write("big.prom", "big_metric " + std::string(200, '1') + "\n");
  REQUIRE(::symlink("/dev/zero", dir.File("zero.prom").c_str()) == 0);
  REQUIRE(::mkfifo(dir.File("fifo.prom").c_str(), 0600) == 0);
  REQUIRE(::symlink(dir.File("good.prom").c_str(), dir.File("link.prom").c_str()) == 0);
  SourcePtr source =
      MakeTextfileSourceWithOps(dir.path(), std::make_unique<FixedMtimeOps>(), 100).value();
  testing::SampleRecorder w;
  const absl::Time start = absl::Now();
  REQUIRE(source->Collect(w).ok());
  CHECK(absl::Now() - start < absl::Seconds(5));  // neither blocks nor reads without end
  CHECK(w.samples.at("node_textfile_scrape_error") == 1);
  CHECK(w.samples.at("good_metric") == 1);  // once: link.prom repeats it and is dropped
  CHECK(w.samples.count("node_textfile_mtime_seconds{file=\"" + dir.File("good.prom") + "\"}") ==
        1);
  CHECK(w.samples.count("node_textfile_mtime_seconds{file=\"" + dir.File("link.prom") + "\"}") ==
        1);
  CHECK(w.samples.count("big_metric") == 0);
  for (const char* name : {"big.prom", "zero.prom", "fifo.prom"}) {
    INFO(name);
    CHECK(w.samples.count("node_textfile_mtime_seconds{file=\"" + dir.File(name) + "\"}") == 0);
  }
  CHECK(w.samples.size() == 1 + 2 + 1);  // good_metric, 2 mtimes, error
}

TEST_CASE("textfile option max-file-bytes is a positive byte count", "[agent][textfile]") {
  const std::map<std::string, std::string> bad = {{"directory", ""}, {"max-file-bytes", "0"}};
  SourceContext ctx;
  ctx.options = &bad;
  ctx.source = "textfile";
  auto s = MakeTextfileSource(ctx);
  REQUIRE_FALSE(s.ok());
  CHECK_THAT(std::string(s.status().message()), Catch::Contains("max-file-bytes"));
  const std::map<std::string, std::string> good = {{"directory", ""}, {"max-file-bytes", "1024"}};
  ctx.options = &good;
  CHECK(MakeTextfileSource(ctx).ok());
}

}  // namespace
}  // namespace hostmon::agent
