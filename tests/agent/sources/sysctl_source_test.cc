// SPDX-License-Identifier: Apache-2.0
//
// The sysctl source: node_exporter's e2e includes over the fixture /proc/sys, the three ways a
// sysctl becomes series, its errors, and the repeatable options.
#include "agent/sources/sysctl/sysctl_source.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "agent/sources/sysctl/sysctl_parser.h"
#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/source_context.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

using Samples = std::map<std::string, double>;
constexpr char kSep[] = {kOptionEntrySeparator, '\0'};

TEST_CASE("sysctl names, paths, entries and values as node_exporter reads them",
          "[agent][sysctl]") {
  CHECK(SanitizeSysctlName("fs.file-nr") == "fs_file_nr");
  CHECK(SanitizeSysctlName("net.ipv4.conf.all.rp_filter") == "net_ipv4_conf_all_rp_filter");
  CHECK(SanitizeSysctlName("a_.b") == "a_b");
  CHECK(SanitizeSysctlName("a._.b") == "a__b");
  CHECK(SanitizeSysctlName("a__b") == "a__b");
  CHECK(SanitizeSysctlName("x/y..z_") == "x_y_z_");
  CHECK(SysctlPath("net.ipv4.ip_forward") == "net/ipv4/ip_forward");

  SysctlSpec spec = ParseSysctlSpec("fs.file-nr:total,current,max").value();
  CHECK(spec.name == "fs.file-nr");
  CHECK(spec.keys == std::vector<std::string>{"total", "current", "max"});
  CHECK(ParseSysctlSpec("kernel.threads-max").value().keys.empty());
  CHECK(ParseSysctlSpec("a:").value().keys == std::vector<std::string>{""});
  CHECK_FALSE(ParseSysctlSpec(":x").ok());

  std::vector<absl::string_view> values;
  SplitSysctlValues("1024\t0\t1631329\n", &values);
  CHECK(values == std::vector<absl::string_view>{"1024", "0", "1631329"});
  SplitSysctlValues(" \n", &values);
  CHECK(values.empty());
  // procfs reads 128 bytes: a longer value is cut there.
  // The values view the text: it must outlive them.
  const std::string long_value = std::string(120, 'a') + " " + std::string(20, 'b');
  SplitSysctlValues(long_value, &values);
  REQUIRE(values.size() == 2);
  CHECK(values[1] == std::string(7, 'b'));
}

TEST_CASE("sysctl source exports node_exporter's e2e includes", "[agent][sysctl]") {
  const testing::TestContext ctx(
      "sysctl", testing::FixtureRoot(),
      {{"include", absl::StrCat("fs.file-nr", kSep, "fs.file-nr:total,current,max", kSep,
                                "kernel.threads-max")}});
  const testing::SampleRecorder rec = testing::CollectOk(*MakeSysctlSource(ctx).value());
  // tests/fixtures/proc/sys/fs/file-nr: 1244 0 2466170; kernel/threads-max: 192730
  CHECK(rec.samples == Samples{
                           {"node_sysctl_fs_file_nr{index=\"0\"}", 1244},
                           {"node_sysctl_fs_file_nr{index=\"1\"}", 0},
                           {"node_sysctl_fs_file_nr{index=\"2\"}", 2466170},
                           {"node_sysctl_fs_file_nr_total", 1244},
                           {"node_sysctl_fs_file_nr_current", 0},
                           {"node_sysctl_fs_file_nr_max", 2466170},
                           {"node_sysctl_kernel_threads_max", 192730},
                       });
  CHECK(rec.types.at("node_sysctl_fs_file_nr") == kUntyped);
  CHECK(rec.help.at("node_sysctl_fs_file_nr") == "sysctl fs.file-nr");
  CHECK(rec.help.at("node_sysctl_fs_file_nr_max") == "sysctl fs.file-nr, field 2");
  CHECK(rec.help.at("node_sysctl_kernel_threads_max") == "sysctl kernel.threads-max");
}

TEST_CASE("sysctl source: include-info, hex values, no entries", "[agent][sysctl]") {
  testing::ScopedTempDir dir;
  const common::FsRoot fs(dir.File("proc"), dir.File("sys"), dir.File("rootfs"));
  dir.Write("proc/sys/kernel/seccomp/actions_avail", "kill_process trap allow\n");
  dir.Write("proc/sys/kernel/hostname", "box\n");
  dir.Write("proc/sys/vm/hex", "0x10\n");
  const testing::TestContext ctx(
      "sysctl", fs,
      {{"include", "vm.hex"},
       {"include-info", absl::StrCat("kernel.seccomp.actions_avail", kSep, "kernel.hostname")}});
  const testing::SampleRecorder rec = testing::CollectOk(*MakeSysctlSource(ctx).value());
  CHECK(
      rec.samples ==
      Samples{
          {"node_sysctl_info{index=\"0\",name=\"kernel.hostname\",value=\"box\"}", 1},
          {"node_sysctl_info{index=\"0\",name=\"kernel.seccomp.actions_avail\",value=\"kill_"
           "process\"}",
           1},
          {"node_sysctl_info{index=\"1\",name=\"kernel.seccomp.actions_avail\",value=\"trap\"}", 1},
          {"node_sysctl_info{index=\"2\",name=\"kernel.seccomp.actions_avail\",value=\"allow\"}",
           1},
          {"node_sysctl_vm_hex", 16},
      });
  CHECK(rec.types.at("node_sysctl_info") == kGauge);
  CHECK(rec.help.at("node_sysctl_info") == "sysctl info");

  const testing::TestContext none("sysctl", fs);
  testing::SampleRecorder empty;
  CHECK(MakeSysctlSource(none).value()->Collect(empty).ok());
  CHECK(empty.adds == 0);
}

TEST_CASE("sysctl source errors name the sysctl", "[agent][sysctl]") {
  testing::ScopedTempDir dir;
  const common::FsRoot fs(dir.File("proc"), dir.File("sys"), dir.File("rootfs"));
  dir.Write("proc/sys/a/empty", "\n");
  dir.Write("proc/sys/a/three", "1 2 3\n");
  dir.Write("proc/sys/a/one", "1\n");
  dir.Write("proc/sys/a/bad", "1 x2 3\n");
  struct Case {
    const char* option;
    const char* entry;
    const char* message;
  } cases[] = {
      {"include", "a.missing", "sysctl a.missing"},
      {"include", "a.empty", "has no values"},
      {"include", "a.three:x,y", "has 3 values but 2 keys"},
      {"include", "a.one:x", "has only one value"},
      {"include", "a.bad", "value 1 \"x2\": not a number"},
      {"include-info", "a.three:x,y,z", "keys are only for include"},
  };
  for (const Case& c : cases) {
    INFO(c.entry);
    const testing::TestContext ctx("sysctl", fs, {{c.option, c.entry}});
    testing::SampleRecorder rec;
    const absl::Status s = MakeSysctlSource(ctx).value()->Collect(rec);
    CHECK_FALSE(s.ok());
    CHECK_FALSE(absl::IsNotFound(s));  // a named sysctl missing is worth a warning
    CHECK_THAT(std::string(s.message()), Catch::Contains(c.message));
  }
  const testing::TestContext bad_name("sysctl", fs, {{"include", "a.three:x y"}});
  CHECK(absl::IsInvalidArgument(MakeSysctlSource(bad_name).status()));
  const testing::TestContext no_name("sysctl", fs, {{"include", ":x"}});
  CHECK(absl::IsInvalidArgument(MakeSysctlSource(no_name).status()));
}

}  // namespace
}  // namespace hostmon::agent
