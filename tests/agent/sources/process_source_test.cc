// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/process/process_source.h"

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "agent/sources/process/limits_parser.h"
#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"

namespace hostmon::agent {
namespace {

using testing::ReadFixture;

TEST_CASE("ParseProcessLimits reads the soft limits", "[agent][process]") {
  ProcessLimits l;
  SECTION("golden fixture") {
    REQUIRE(ParseProcessLimits(ReadFixture("proc/self/limits"), &l).ok());
    CHECK(l.max_open_files == 20000);
    CHECK(l.max_address_space == UINT64_MAX);  // "unlimited"
  }
  SECTION("numbers") {
    REQUIRE(ParseProcessLimits("Max open files            1024                 4096    files\n"
                               "Max address space         4294967296    unlimited    bytes\n",
                               &l)
                .ok());
    CHECK(l.max_open_files == 1024);
    CHECK(l.max_address_space == 4294967296ULL);
  }
  SECTION("truncated: a line without value") {
    absl::Status s = ParseProcessLimits("Max open files\nMax address space unlimited\n", &l);
    REQUIRE_FALSE(s.ok());
    CHECK_THAT(std::string(s.message()), Catch::Contains("Max open files"));
  }
  SECTION("missing line") {
    absl::Status s = ParseProcessLimits("Max open files 1024 1024 files\n", &l);
    REQUIRE_FALSE(s.ok());
    CHECK_THAT(std::string(s.message()), Catch::Contains("Max address space"));
  }
  SECTION("bad numbers") {
    CHECK_FALSE(
        ParseProcessLimits("Max open files x 1 files\nMax address space 1 1 bytes\n", &l).ok());
    CHECK_FALSE(
        ParseProcessLimits(
            "Max open files 99999999999999999999999 1 files\nMax address space 1 1 bytes\n", &l)
            .ok());
  }
}

TEST_CASE("The process source reports the agent's own resources", "[agent][process]") {
  common::FsRoot fs(HOSTMON_FIXTURE_DIR "/proc", "/nonexistent", "/nonexistent");
  SourcePtr src = MakeProcessSource(SourceContext{&fs}).value();
  testing::SampleRecorder rec;
  REQUIRE(src->Collect(rec).ok());
  // proc/self/stat: utime 0 stime 0, starttime 560002 ticks, vsize 3133440, rss 413 pages;
  // proc/stat btime 1795274682.
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  CHECK(rec.samples.at("process_cpu_seconds_total") == 0);
  CHECK(rec.samples.at("process_virtual_memory_bytes") == 3133440);
  CHECK(rec.samples.at("process_resident_memory_bytes") == 413 * page);
  CHECK(rec.samples.at("process_open_fds") == 5);
  CHECK(rec.samples.at("process_max_fds") == 20000);
  CHECK(rec.samples.at("process_virtual_memory_max_bytes") == Approx(1.8446744073709552e19));
  CHECK(rec.samples.at("process_start_time_seconds") == Approx(1795274682 + 5600.02));
  CHECK(rec.types.at("process_cpu_seconds_total") == kCounter);
}

TEST_CASE("The process source counts this process's open descriptors", "[agent][process]") {
  common::FsRoot fs;  // the real /proc: the fd directory's size on Linux 6.2+, else a listing
  SourcePtr src = MakeProcessSource(SourceContext{&fs}).value();
  testing::SampleRecorder rec;
  REQUIRE(src->Collect(rec).ok());
  const double before = rec.samples.at("process_open_fds");
  int fds[6];
  for (int& fd : fds) fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  testing::SampleRecorder more;
  REQUIRE(src->Collect(more).ok());
  for (int fd : fds) ::close(fd);
  // Other threads of the test binary may open or close descriptors meanwhile, but not 6 at once.
  CHECK(more.samples.at("process_open_fds") >= before + 4);
  CHECK(more.samples.at("process_open_fds") <= before + 8);
}

TEST_CASE("The process source fails when /proc/self is missing", "[agent][process]") {
  common::FsRoot fs("/nonexistent", "/nonexistent", "/nonexistent");
  testing::SampleRecorder rec;
  absl::Status s = MakeProcessSource(SourceContext{&fs}).value()->Collect(rec);
  CHECK(absl::IsNotFound(s));
  CHECK(rec.samples.empty());
}

}  // namespace
}  // namespace hostmon::agent
