// SPDX-License-Identifier: Apache-2.0
//
// The dmi, watchdog, bonding and kernel_hung sources over small sysfs/procfs trees written in the
// kernel's format, with node_exporter 1.12's values for its own fixture where the trees copy it
// (the whole fixture runs in compat.node_exporter_e2e), and their edge cases: absent files,
// unreadable and non-UTF-8 attributes, bad numbers.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "agent/sources/bonding/bonding_source.h"
#include "agent/sources/dmi/dmi_parser.h"
#include "agent/sources/dmi/dmi_source.h"
#include "agent/sources/kernel_hung/kernel_hung_source.h"
#include "agent/sources/watchdog/watchdog_parser.h"
#include "agent/sources/watchdog/watchdog_source.h"
#include "fakes/sample_recorder.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

using testing::SampleRecorder;
using testing::ScopedTempDir;

common::FsRoot RootAt(const ScopedTempDir& dir) {
  return common::FsRoot(dir.File("proc"), dir.File("sys"), dir.path());
}

// ---- dmi -------------------------------------------------------------------------------------

TEST_CASE("DmiLabelValue trims, caps at 128 bytes and replaces invalid UTF-8 runs",
          "[agent][dmi]") {
  CHECK(DmiLabelValue("PowerEdge R6515\n") == "PowerEdge R6515");
  CHECK(DmiLabelValue("  \t\n") == "");
  // node_exporter's fixture product_version: 0xC0 '[' 0xC1 0xFF -> one U+FFFD per invalid run.
  CHECK(DmiLabelValue("\xC0[\xC1\xFF\n") == "\xEF\xBF\xBD[\xEF\xBF\xBD");
  CHECK(DmiLabelValue("caf\xC3\xA9") == "caf\xC3\xA9");      // valid 2-byte sequence kept
  CHECK(DmiLabelValue("\xED\xA0\x80x") == "\xEF\xBF\xBDx");  // a surrogate is invalid
  CHECK(DmiLabelValue("\xF0\x9F\x98") == "\xEF\xBF\xBD");    // truncated 4-byte sequence
  CHECK(DmiLabelValue(std::string(200, 'a')) == std::string(128, 'a'));
}

TEST_CASE("DmiLabelFor maps node_exporter's fields only", "[agent][dmi]") {
  CHECK(DmiLabelFor("sys_vendor") == "system_vendor");
  CHECK(DmiLabelFor("bios_date") == "bios_date");
  CHECK(DmiLabelFor("modalias").empty());
  CHECK(DmiLabelFor("uevent").empty());
  CHECK(DmiLabelFor("chassis_type").empty());
}

TEST_CASE("dmi source: one info series with the fields present, read once", "[agent][dmi]") {
  ScopedTempDir dir;
  dir.Write("sys/class/dmi/id/bios_vendor", "Dell Inc.\n");
  dir.Write("sys/class/dmi/id/product_name", "PowerEdge R6515\n");
  dir.Write("sys/class/dmi/id/sys_vendor", "Dell Inc.\n");
  dir.Write("sys/class/dmi/id/chassis_asset_tag", "\n");
  dir.Write("sys/class/dmi/id/modalias", "dmi:bvnDellInc.:\n");
  dir.Write("sys/class/dmi/id/chassis_type", "23\n");
  const common::FsRoot fs = RootAt(dir);
  SourcePtr source = MakeDmiSource(SourceContext{&fs}).value();
  SampleRecorder out;
  REQUIRE(source->Collect(out).ok());
  const std::string series =
      "node_dmi_info{bios_vendor=\"Dell Inc.\",chassis_asset_tag=\"\",product_name=\"PowerEdge "
      "R6515\",system_vendor=\"Dell Inc.\"}";
  CHECK(out.samples.size() == 1);
  CHECK(out.Get(series) == 1);
  CHECK(out.types["node_dmi_info"] == kGauge);

  // SMBIOS does not change while the host runs: later edits are not read.
  dir.Write("sys/class/dmi/id/product_name", "changed\n");
  SampleRecorder again;
  REQUIRE(source->Collect(again).ok());
  CHECK(again.Get(series) == 1);
}

TEST_CASE("dmi source leaves out attributes it may not read", "[agent][dmi]") {
  // board_serial is 0400 root on a real host; the service runs unprivileged. As root (CI), the
  // collection runs in a child that drops to nobody, so the permission check is really made.
  ScopedTempDir dir;
  REQUIRE(::chmod(dir.path().c_str(), 0755) == 0);
  dir.Write("sys/class/dmi/id/bios_vendor", "x\n");
  const std::string serial = dir.Write("sys/class/dmi/id/board_serial", "secret\n");
  REQUIRE(::chmod(serial.c_str(), 0400) == 0);
  const common::FsRoot fs = RootAt(dir);
  const auto collect_ok = [&fs] {
    SampleRecorder out;
    return MakeDmiSource(SourceContext{&fs}).value()->Collect(out).ok() &&
           out.samples.size() == 1 && out.Get("node_dmi_info{bios_vendor=\"x\"}") == 1;
  };
  if (::geteuid() != 0) {
    REQUIRE(::chmod(serial.c_str(), 0) == 0);  // unreadable even to its owner
    CHECK(collect_ok());
    return;
  }
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    const bool dropped = ::setgid(65534) == 0 && ::setuid(65534) == 0;
    ::_exit(!dropped ? 2 : collect_ok() ? 0 : 1);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("dmi source is NotFound without /sys/class/dmi/id", "[agent][dmi]") {
  ScopedTempDir dir;
  const common::FsRoot fs = RootAt(dir);
  SampleRecorder out;
  CHECK(absl::IsNotFound(MakeDmiSource(SourceContext{&fs}).value()->Collect(out)));
  CHECK(out.samples.empty());
}

// ---- watchdog ----------------------------------------------------------------------------------

TEST_CASE("ParseWatchdogNumber parses as Go's ParseInt with base 0", "[agent][watchdog]") {
  int64_t v = 0;
  REQUIRE(ParseWatchdogNumber("60\n", "timeout", &v).ok());
  CHECK(v == 60);
  REQUIRE(ParseWatchdogNumber("0x8380", "options", &v).ok());
  CHECK(v == 0x8380);
  REQUIRE(ParseWatchdogNumber("010", "f", &v).ok());
  CHECK(v == 8);
  REQUIRE(ParseWatchdogNumber("0b101", "f", &v).ok());
  CHECK(v == 5);
  REQUIRE(ParseWatchdogNumber("-3", "f", &v).ok());
  CHECK(v == -3);
  REQUIRE(ParseWatchdogNumber("0", "f", &v).ok());
  CHECK(v == 0);
  REQUIRE(ParseWatchdogNumber("-9223372036854775808", "f", &v).ok());
  CHECK(v == INT64_MIN);
  const absl::Status overflow = ParseWatchdogNumber("9223372036854775808", "timeleft", &v);
  CHECK(overflow.message() == "timeleft: out of range: \"9223372036854775808\"");
  CHECK(ParseWatchdogNumber("", "f", &v).message() == "f: not a number: \"\"");
  CHECK_FALSE(ParseWatchdogNumber("12a", "f", &v).ok());
  CHECK_FALSE(ParseWatchdogNumber("0x", "f", &v).ok());
  CHECK_FALSE(ParseWatchdogNumber("09", "f", &v).ok());
  CHECK_FALSE(ParseWatchdogNumber("1.5", "f", &v).ok());
}

TEST_CASE("watchdog source: numeric attributes that exist and one info series per device",
          "[agent][watchdog]") {
  ScopedTempDir dir;
  // watchdog0 as in node_exporter's fixture; watchdog1 has no attribute files at all.
  const std::pair<const char*, const char*> files[] = {
      {"access_cs0", "0"},   {"bootstatus", "1"},
      {"fw_version", "2"},   {"identity", "Software Watchdog"},
      {"nowayout", "0"},     {"options", "0x8380"},
      {"pretimeout", "120"}, {"pretimeout_governor", "noop"},
      {"state", "active"},   {"status", "0x8000"},
      {"timeleft", "300"},   {"timeout", "60"}};
  for (const auto& [name, value] : files) {
    dir.Write(std::string("sys/class/watchdog/watchdog0/") + name, std::string(value) + "\n");
  }
  REQUIRE(::mkdir(dir.File("sys/class/watchdog/watchdog1").c_str(), 0755) == 0);
  const common::FsRoot fs = RootAt(dir);
  SourcePtr source = MakeWatchdogSource(SourceContext{&fs}).value();
  SampleRecorder out;
  REQUIRE(source->Collect(out).ok());
  CHECK(out.Get("node_watchdog_bootstatus{name=\"watchdog0\"}") == 1);
  CHECK(out.Get("node_watchdog_fw_version{name=\"watchdog0\"}") == 2);
  CHECK(out.Get("node_watchdog_timeleft_seconds{name=\"watchdog0\"}") == 300);
  CHECK(out.Get("node_watchdog_timeout_seconds{name=\"watchdog0\"}") == 60);
  CHECK(out.Get("node_watchdog_pretimeout_seconds{name=\"watchdog0\"}") == 120);
  CHECK(out.Get("node_watchdog_access_cs0{name=\"watchdog0\"}") == 0);
  CHECK(out.Get("node_watchdog_nowayout{name=\"watchdog0\"}") == 0);
  CHECK(out.Get("node_watchdog_info{identity=\"Software Watchdog\",name=\"watchdog0\","
                "options=\"0x8380\",pretimeout_governor=\"noop\",state=\"active\","
                "status=\"0x8000\"}") == 1);
  CHECK(out.Get("node_watchdog_info{identity=\"\",name=\"watchdog1\",options=\"\","
                "pretimeout_governor=\"\",state=\"\",status=\"\"}") == 1);
  CHECK(out.samples.size() == 9);
  CHECK(out.help["node_watchdog_timeout_seconds"] ==
        "Value of /sys/class/watchdog/<watchdog>/timeout");
}

TEST_CASE("watchdog source fails naming the file of a bad number", "[agent][watchdog]") {
  ScopedTempDir dir;
  dir.Write("sys/class/watchdog/watchdog0/timeout", "sixty\n");
  const common::FsRoot fs = RootAt(dir);
  SampleRecorder out;
  const absl::Status s = MakeWatchdogSource(SourceContext{&fs}).value()->Collect(out);
  CHECK(s.message().find("watchdog0/timeout: not a number: \"sixty\"") != std::string::npos);
}

TEST_CASE("watchdog source is NotFound without /sys/class/watchdog", "[agent][watchdog]") {
  ScopedTempDir dir;
  const common::FsRoot fs = RootAt(dir);
  SampleRecorder out;
  CHECK(absl::IsNotFound(MakeWatchdogSource(SourceContext{&fs}).value()->Collect(out)));
}

// ---- bonding -----------------------------------------------------------------------------------

TEST_CASE("bonding source counts configured and MII-up slaves per master", "[agent][bonding]") {
  ScopedTempDir dir;
  // As node_exporter's fixture: bond0 without slaves, dmz with two up (one under the older
  // slave_ prefix), int with one of two up.
  dir.Write("sys/class/net/bonding_masters", "bond0 dmz int\n");
  dir.Write("sys/class/net/bond0/bonding/slaves", "\n");
  dir.Write("sys/class/net/dmz/bonding/slaves", "eth0 eth4\n");
  dir.Write("sys/class/net/dmz/lower_eth0/bonding_slave/mii_status", "up\n");
  dir.Write("sys/class/net/dmz/slave_eth4/bonding_slave/mii_status", "up\n");
  dir.Write("sys/class/net/int/bonding/slaves", "eth5 eth1\n");
  dir.Write("sys/class/net/int/lower_eth5/bonding_slave/mii_status", "down\n");
  dir.Write("sys/class/net/int/lower_eth1/bonding_slave/mii_status", "up\n");
  const common::FsRoot fs = RootAt(dir);
  SourcePtr source = MakeBondingSource(SourceContext{&fs}).value();
  SampleRecorder out;
  REQUIRE(source->Collect(out).ok());
  CHECK(out.Get("node_bonding_slaves{master=\"bond0\"}") == 0);
  CHECK(out.Get("node_bonding_active{master=\"bond0\"}") == 0);
  CHECK(out.Get("node_bonding_slaves{master=\"dmz\"}") == 2);
  CHECK(out.Get("node_bonding_active{master=\"dmz\"}") == 2);
  CHECK(out.Get("node_bonding_slaves{master=\"int\"}") == 2);
  CHECK(out.Get("node_bonding_active{master=\"int\"}") == 1);
  CHECK(out.samples.size() == 6);
}

TEST_CASE("bonding source: no driver is NotFound, a vanished slave an error naming it",
          "[agent][bonding]") {
  ScopedTempDir dir;
  const common::FsRoot fs = RootAt(dir);
  SourcePtr source = MakeBondingSource(SourceContext{&fs}).value();
  SampleRecorder out;
  CHECK(absl::IsNotFound(source->Collect(out)));

  dir.Write("sys/class/net/bonding_masters", "bond0\n");
  dir.Write("sys/class/net/bond0/bonding/slaves", "eth9\n");
  SampleRecorder again;
  const absl::Status s = source->Collect(again);
  CHECK_FALSE(s.ok());
  CHECK(s.message().find("slave_eth9/bonding_slave/mii_status") != std::string::npos);
}

// ---- kernel_hung -------------------------------------------------------------------------------

TEST_CASE("kernel_hung source reads hung_task_detect_count", "[agent][kernel_hung]") {
  ScopedTempDir dir;
  const common::FsRoot fs = RootAt(dir);
  SourcePtr source = MakeKernelHungSource(SourceContext{&fs}).value();
  SampleRecorder missing;
  CHECK(absl::IsNotFound(source->Collect(missing)));  // kernels before 6.13

  dir.Write("proc/sys/kernel/hung_task_detect_count", "42\n");
  SampleRecorder out;
  REQUIRE(source->Collect(out).ok());
  CHECK(out.Get("node_kernel_hung_tasks_total") == 42);
  CHECK(out.types["node_kernel_hung_tasks_total"] == kCounter);

  dir.Write("proc/sys/kernel/hung_task_detect_count", "-1\n");
  SampleRecorder bad;
  const absl::Status s = source->Collect(bad);
  CHECK_FALSE(s.ok());
  CHECK(s.message().find("hung_task_detect_count") != std::string::npos);
  dir.Write("proc/sys/kernel/hung_task_detect_count", "");
  CHECK_FALSE(source->Collect(bad).ok());
}

}  // namespace
}  // namespace hostmon::agent
