// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/uname/uname_source.h"

#include <sys/utsname.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <map>
#include <string>

#include "fakes/fake_clock.h"
#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"

namespace hostmon::agent {
namespace {

using testing::CollectOk;
using testing::SampleRecorder;
using Samples = std::map<std::string, double>;

const common::FsRoot kFixtures = testing::FixtureRoot();

absl::Status FakeUname(struct utsname* u) {
  std::strcpy(u->sysname, "Linux");
  std::strcpy(u->nodename, "web-01");
  std::strcpy(u->release, "6.1.0-18-amd64");
  std::strcpy(u->version, "#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)");
  std::strcpy(u->machine, "x86_64");
  std::strcpy(u->domainname, "(none)");
  return absl::OkStatus();
}

TEST_CASE("uname source labels node_uname_info from uname(2)", "[agent][sources][uname]") {
  const SampleRecorder rec = CollectOk(*MakeUnameSourceWith(FakeUname).value());
  CHECK(rec.samples ==
        Samples{{"node_uname_info{domainname=\"(none)\",machine=\"x86_64\",nodename=\"web-01\","
                 "release=\"6.1.0-18-amd64\",sysname=\"Linux\",version=\"#1 SMP PREEMPT_DYNAMIC "
                 "Debian 6.1.76-1 (2024-02-01)\"}",
                 1}});
  CHECK(rec.help.at("node_uname_info") ==
        "Labeled system information as provided by the uname system call.");

  SampleRecorder none;
  auto failing = [](struct utsname*) { return absl::InternalError("uname(2): boom"); };
  CHECK(absl::IsInternal(MakeUnameSourceWith(failing).value()->Collect(none)));
  CHECK(none.adds == 0);

  // The real call works on this host.
  const SourceContext ctx{&kFixtures};
  const SampleRecorder real = CollectOk(*MakeUnameSource(ctx).value());
  CHECK(real.adds == 1);
}

TEST_CASE("uname source calls uname(2) at its refresh, not every collection",
          "[agent][sources][uname][static_file]") {
  testing::FakeClock clock;
  int calls = 0;
  std::string nodename = "web-01";
  auto uname = [&](struct utsname* u) {
    ++calls;
    std::strcpy(u->nodename, nodename.c_str());
    return absl::OkStatus();
  };
  auto source = MakeUnameSourceWith(uname, &clock).value();
  const std::string web01 =
      "node_uname_info{domainname=\"\",machine=\"\",nodename=\"web-01\",release=\"\","
      "sysname=\"\",version=\"\"}";
  CHECK(CollectOk(*source).samples == Samples{{web01, 1}});
  CHECK(calls == 1);

  nodename = "web-02";  // hostname(1): seen at the refresh, not before
  clock.Advance(kUnameRefresh - absl::Seconds(1));
  CHECK(CollectOk(*source).samples == Samples{{web01, 1}});
  CHECK(calls == 1);
  clock.Advance(absl::Seconds(1));
  CHECK(CollectOk(*source).samples.count(
            "node_uname_info{domainname=\"\",machine=\"\",nodename=\"web-02\",release=\"\","
            "sysname=\"\",version=\"\"}") == 1);
  CHECK(calls == 2);

  // A failed call is not cached: the next collection calls again.
  bool fail = true;
  auto flaky = [&](struct utsname* u) {
    ++calls;
    return fail ? absl::InternalError("uname(2): boom") : FakeUname(u);
  };
  auto second = MakeUnameSourceWith(flaky, &clock).value();
  SampleRecorder none;
  CHECK(absl::IsInternal(second->Collect(none)));
  CHECK(none.adds == 0);
  fail = false;
  CHECK(CollectOk(*second).adds == 1);
}

}  // namespace
}  // namespace hostmon::agent
