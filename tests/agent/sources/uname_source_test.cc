// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/uname/uname_source.h"

#include <sys/utsname.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <map>
#include <string>

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

}  // namespace
}  // namespace hostmon::agent
