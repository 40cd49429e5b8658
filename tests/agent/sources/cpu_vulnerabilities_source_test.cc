// SPDX-License-Identifier: Apache-2.0
//
// The cpu_vulnerabilities source over node_exporter's fixture files (tests/fixtures/sys/devices/
// system/cpu/vulnerabilities) and the verdict parser on the kernel's other wordings.
#include "agent/sources/cpu_vulnerabilities/cpu_vulnerabilities_source.h"

#include <catch2/catch.hpp>
#include <string>

#include "agent/sources/cpu_vulnerabilities/cpu_vulnerabilities_parser.h"
#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/source_context.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

TEST_CASE("ParseCpuVulnerability splits a verdict as node_exporter",
          "[agent][cpu_vulnerabilities]") {
  CpuVulnerability v;
  struct Case {
    const char* text;
    const char* state;
    const char* mitigation;
  } cases[] = {
      {"Not affected\n", "not affected", ""},
      {"Vulnerable\n", "vulnerable", ""},
      {"Vulnerable: Clear CPU buffers attempted, no microcode; SMT vulnerable\n", "vulnerable",
       "Clear CPU buffers attempted, no microcode; SMT vulnerable"},
      {"Mitigation: PTE Inversion;  VMX:\tconditional cache flushes\n", "mitigation",
       "PTE Inversion; VMX: conditional cache flushes"},
      {"Unknown: Dependent on hypervisor status\n", "unknown", "Dependent on hypervisor status"},
      {"KVM: Mitigation: VMX disabled\n", "unknown", "KVM: Mitigation: VMX disabled"},
      {"  not AFFECTED\n", "not affected", ""},
      {"", "unknown", ""},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    v.mitigation = "left over";
    ParseCpuVulnerability(c.text, &v);
    CHECK(v.state == c.state);
    CHECK(v.mitigation == c.mitigation);
  }
}

TEST_CASE("cpu_vulnerabilities source over node_exporter's fixture files",
          "[agent][cpu_vulnerabilities]") {
  const testing::TestContext ctx("cpu_vulnerabilities", testing::FixtureRoot());
  const testing::SampleRecorder rec =
      testing::CollectOk(*MakeCpuVulnerabilitiesSource(ctx).value());
  CHECK(rec.samples ==
        std::map<std::string, double>{
            {"node_cpu_vulnerabilities_info{codename=\"itlb_multihit\",mitigation=\"\","
             "state=\"not affected\"}",
             1},
            {"node_cpu_vulnerabilities_info{codename=\"mds\",mitigation=\"\",state=\"vulnerable\"}",
             1},
            {"node_cpu_vulnerabilities_info{codename=\"retbleed\",mitigation=\"untrained return "
             "thunk; SMT enabled with STIBP protection\",state=\"mitigation\"}",
             1},
            {"node_cpu_vulnerabilities_info{codename=\"spectre_v1\",mitigation=\"usercopy/swapgs "
             "barriers and __user pointer sanitization\",state=\"mitigation\"}",
             1},
            {"node_cpu_vulnerabilities_info{codename=\"spectre_v2\",mitigation=\"Retpolines, IBPB: "
             "conditional, STIBP: always-on, RSB filling, PBRSB-eIBRS: Not affected\","
             "state=\"mitigation\"}",
             1},
        });
  CHECK(rec.types.at("node_cpu_vulnerabilities_info") == kGauge);
  CHECK(
      rec.help.at("node_cpu_vulnerabilities_info").rfind("Details of each CPU vulnerability", 0) ==
      0);
}

TEST_CASE(
    "cpu_vulnerabilities source without the directory, with an empty one, with a subdirectory",
    "[agent][cpu_vulnerabilities]") {
  const testing::TestContext none("cpu_vulnerabilities", testing::EmptyRoot());
  testing::SampleRecorder rec;
  CHECK(absl::IsNotFound(MakeCpuVulnerabilitiesSource(none).value()->Collect(rec)));
  CHECK(rec.adds == 0);

  testing::ScopedTempDir dir;
  const common::FsRoot fs(dir.File("proc"), dir.File("sys"), dir.File("rootfs"));
  dir.Write("sys/devices/system/cpu/vulnerabilities/mds", "Vulnerable\n");
  dir.Write("sys/devices/system/cpu/vulnerabilities/odd/file", "x\n");
  const testing::TestContext ctx("cpu_vulnerabilities", fs);
  // An entry that cannot be read (here a directory) fails the collection with its path, as the
  // read fails node_exporter's.
  const absl::Status s = MakeCpuVulnerabilitiesSource(ctx).value()->Collect(rec);
  CHECK_FALSE(s.ok());
  CHECK_THAT(std::string(s.message()), Catch::Contains("vulnerabilities/odd"));
}

}  // namespace
}  // namespace hostmon::agent
