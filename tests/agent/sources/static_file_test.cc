// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/common/static_file.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <string>

#include "fakes/fake_clock.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

TEST_CASE("StaticFile re-reads at its refresh interval and not before", "[agent][static_file]") {
  testing::ScopedTempDir dir;
  const std::string path = dir.Write("address", "52:54:00:12:34:56\n");
  testing::FakeClock clock;
  StaticFile f(path, absl::Minutes(10), &clock);
  CHECK(f.text().empty());

  REQUIRE(f.Update().ok());  // the first call reads
  CHECK(f.changed());
  CHECK(f.reads() == 1);
  CHECK(f.text() == "52:54:00:12:34:56\n");

  dir.Write("address", "52:54:00:ab:cd:ef\n");
  for (int i = 0; i < 3; ++i) {  // within the interval: the cached copy, the file is not read
    clock.Advance(absl::Minutes(3));
    REQUIRE(f.Update().ok());
    CHECK_FALSE(f.changed());
    CHECK(f.reads() == 1);
    CHECK(f.text() == "52:54:00:12:34:56\n");
  }
  clock.Advance(absl::Minutes(1) - absl::Nanoseconds(1));  // 10 min less 1 ns after the read
  REQUIRE(f.Update().ok());
  CHECK(f.reads() == 1);
  clock.Advance(absl::Nanoseconds(1));  // exactly the interval: re-read
  REQUIRE(f.Update().ok());
  CHECK(f.changed());
  CHECK(f.reads() == 2);
  CHECK(f.text() == "52:54:00:ab:cd:ef\n");

  clock.Advance(absl::Minutes(9));  // the interval counts from the latest read
  REQUIRE(f.Update().ok());
  CHECK(f.reads() == 2);
  clock.Advance(absl::Minutes(1));
  REQUIRE(f.Update().ok());
  CHECK(f.reads() == 3);
}

TEST_CASE("StaticFile does not cache a failure: a file appearing later is found at once",
          "[agent][static_file]") {
  testing::ScopedTempDir dir;
  testing::FakeClock clock;
  StaticFile f(dir.File("poolsize"), absl::Hours(1), &clock);
  absl::Status s = f.Update();
  CHECK(absl::IsNotFound(s));
  CHECK(s.message().find(dir.File("poolsize")) != std::string::npos);  // names the file
  CHECK(f.reads() == 0);

  dir.Write("poolsize", "256\n");  // no time passes
  REQUIRE(f.Update().ok());
  CHECK(f.changed());
  CHECK(f.text() == "256\n");
}

TEST_CASE("StaticFile reports a vanished file at the refresh and clears its copy",
          "[agent][static_file]") {
  testing::ScopedTempDir dir;
  const std::string path = dir.Write("os-release", "ID=debian\n");
  testing::FakeClock clock;
  StaticFile f(path, absl::Minutes(10), &clock);
  REQUIRE(f.Update().ok());
  REQUIRE(std::remove(path.c_str()) == 0);
  clock.Advance(absl::Minutes(5));
  CHECK(f.Update().ok());  // not due yet: the copy serves
  clock.Advance(absl::Minutes(5));
  CHECK(absl::IsNotFound(f.Update()));
  CHECK(f.text().empty());
  CHECK_FALSE(f.changed());
  CHECK(absl::IsNotFound(f.Update()));  // and again at the next call, not only at the refresh
}

}  // namespace
}  // namespace hostmon::agent
