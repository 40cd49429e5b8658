// SPDX-License-Identifier: Apache-2.0
//
// The smart source end to end over a stand-in smartctl (tests/fixtures/smart/fake-smartctl)
// that prints real captures and exits with their status, hangs for one device on request.
#include "agent/sources/smart/smart_source.h"

#include <dirent.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "agent/sources/smart/run_process.h"
#include "fakes/sample_recorder.h"
#include "fakes/source_context.h"

namespace hostmon::agent {
namespace {

const std::string kFake = std::string(HOSTMON_FIXTURE_DIR) + "/smart/fake-smartctl";

// Children of this process that still exist (running or zombie), from /proc/<pid>/stat.
int ChildProcesses() {
  int n = 0;
  DIR* d = opendir("/proc");
  if (d == nullptr) return -1;
  const std::string me = std::to_string(getpid());
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    std::ifstream in(std::string("/proc/") + e->d_name + "/stat");
    std::string line;
    if (!std::getline(in, line)) continue;
    size_t rp = line.rfind(')');
    if (rp == std::string::npos) continue;
    std::istringstream rest(line.substr(rp + 2));
    std::string state, ppid;
    rest >> state >> ppid;
    if (ppid == me) ++n;
  }
  closedir(d);
  return n;
}

struct Run {
  testing::SampleRecorder rec;
  absl::Status status;
  double seconds = 0;
};

Run Collect(std::map<std::string, std::string> options) {
  options.emplace("smartctl-path", kFake);
  auto src = MakeSmartSource(testing::TestContext("smart", common::FsRoot(), options));
  REQUIRE(src.ok());
  Run run;
  auto t0 = std::chrono::steady_clock::now();
  run.status = (*src)->Collect(run.rec);
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return run;
}

std::string Flag(const std::string& dev, const std::string& flag) {
  return "hostmon_smart_exit_status_flag{device=\"" + dev + "\",flag=\"" + flag + "\"}";
}

TEST_CASE("smart source: scanned devices through the stand-in smartctl", "[smart]") {
  Run run = Collect({});
  INFO(run.status);
  CHECK(run.status.ok());
  const testing::SampleRecorder& r = run.rec;
  CHECK(r.Get("smartctl_devices") == 8);
  for (const char* dev :
       {"sda", "sdb", "sdc", "bus_0_megaraid_disk_01", "sdd", "nvme0", "nvme1", "nvme2"}) {
    INFO(dev);
    CHECK(r.Get(std::string("hostmon_smart_device_up{device=\"") + dev + "\"}") == 1);
  }
  // Failing HDD: exit 216 decoded into its four bits, values exported.
  CHECK(r.Get("smartctl_device_smartctl_exit_status{device=\"sdc\"}") == 216);
  CHECK(r.Get(Flag("sdc", "disk_failing")) == 1);
  CHECK(r.Get(Flag("sdc", "prefail_below_threshold")) == 1);
  CHECK(r.Get(Flag("sdc", "error_log_has_errors")) == 1);
  CHECK(r.Get(Flag("sdc", "self_test_log_has_errors")) == 1);
  CHECK(r.Get(Flag("sdc", "device_open_failed")) == 0);
  CHECK(r.Get(Flag("sdc", "command_failed")) == 0);
  CHECK(r.Get("smartctl_device_smart_status{device=\"sdc\"}") == 0);
  // MegaRAID disk, asked with --device=megaraid,1.
  CHECK(r.Get("smartctl_device_smartctl_exit_status{device=\"bus_0_megaraid_disk_01\"}") == 4);
  CHECK(r.Get(Flag("bus_0_megaraid_disk_01", "command_failed")) == 1);
  CHECK(r.Get("smartctl_device_power_on_seconds{device=\"bus_0_megaraid_disk_01\"}") ==
        37788.0 * 3600);
  // Failing NVMe.
  CHECK(r.Get("smartctl_device_critical_warning{device=\"nvme0\"}") == 16);
  CHECK(r.Get(Flag("nvme0", "disk_failing")) == 1);
  // Standby: reported as asleep, not failed, and no frozen values.
  CHECK(r.Get("hostmon_smart_device_standby{device=\"sdd\"}") == 1);
  CHECK(r.Get("smartctl_device_state{device=\"sdd\"}") == 1);
  CHECK(r.Get("smartctl_device_smartctl_exit_status{device=\"sdd\"}") == 2);
  CHECK(r.Get(Flag("sdd", "device_open_failed")) == 1);
  CHECK_FALSE(r.Has("smartctl_device_smart_status{device=\"sdd\"}"));
  CHECK_FALSE(r.Has("smartctl_device_temperature{device=\"sdd\",temperature_type=\"current\"}"));
  CHECK(r.Get("hostmon_smart_device_standby{device=\"sda\"}") == 0);
  // From the first device's output (sda's capture has its build_info redacted).
  CHECK(r.Get("smartctl_version{json_format_version=\"1.0\",smartctl_version=\"7.3\","
              "svn_revision=\"\",build_info=\"REDACTED\"}") == 1);
  CHECK(ChildProcesses() == 0);
}

TEST_CASE("smart source: invocation matches smartctl_exporter's", "[smart]") {
  char tmpl[] = "/tmp/hostmon-smart-args-XXXXXX";
  int fd = mkstemp(tmpl);
  REQUIRE(fd >= 0);
  close(fd);
  setenv("FAKE_SMARTCTL_LOG", tmpl, 1);
  Run run = Collect({{"devices", "/dev/sda;/dev/bus/0:megaraid,1"}});
  unsetenv("FAKE_SMARTCTL_LOG");
  CHECK(run.status.ok());
  std::ifstream in(tmpl);
  std::string a, b, extra;
  std::getline(in, a);
  std::getline(in, b);
  CHECK_FALSE(std::getline(in, extra));  // an explicit list: no scan
  std::remove(tmpl);
  if (a > b) std::swap(a, b);  // devices are queried in parallel: any order
  CHECK(a ==
        "--json --info --health --attributes --tolerance=verypermissive --nocheck=standby "
        "--format=brief --log=error --device=megaraid,1 /dev/bus/0");
  CHECK(b ==
        "--json --info --health --attributes --tolerance=verypermissive --nocheck=standby "
        "--format=brief --log=error /dev/sda");
  CHECK(run.rec.Get("smartctl_devices") == 2);
}

TEST_CASE("smart source: a hung smartctl is killed at the deadline and reaped", "[smart]") {
  // sde hangs (tests/fixtures/smart/devices/sde.hang); the others answer.
  Run run = Collect({{"devices", "/dev/sda /dev/sde /dev/nvme1"}, {"device-timeout", "300ms"}});
  CHECK_FALSE(run.status.ok());
  CHECK(std::string(run.status.message()).find("sde: smartctl killed after device-timeout 300ms") !=
        std::string::npos);
  CHECK(run.seconds < 5);  // would be 1000 s (the stand-in's sleep) if it were not killed
  CHECK(run.rec.Get("hostmon_smart_device_up{device=\"sde\"}") == 0);
  CHECK(run.rec.Get("hostmon_smart_device_up{device=\"sda\"}") == 1);
  CHECK(run.rec.Get("hostmon_smart_device_up{device=\"nvme1\"}") == 1);
  CHECK(ChildProcesses() == 0);
}

TEST_CASE("smart source: the collection budget bounds the whole round", "[smart]") {
  // Two hanging devices, a 10 s device timeout but a 0.5 s collection timeout (the slow tier's):
  // one at a time (parallel 1), the second device is not even started once the budget is gone.
  Run run = Collect({{"devices", "/dev/sde;/dev/sdx"},
                     {"device-timeout", "10s"},
                     {"timeout", "500ms"},
                     {"parallel", "1"}});
  CHECK_FALSE(run.status.ok());
  CHECK(std::string(run.status.message())
            .find("sde: smartctl killed at the end of the "
                  "collection's timeout budget") != std::string::npos);
  CHECK(run.rec.Get("hostmon_smart_device_up{device=\"sdx\"}") == 0);
  CHECK(run.seconds < 5);
  CHECK(run.rec.Get("hostmon_smart_device_up{device=\"sde\"}") == 0);
  CHECK(ChildProcesses() == 0);
}

TEST_CASE("smart source: device failures and bad options", "[smart]") {
  SECTION("open failure and unknown device: up 0, error names the device") {
    Run run = Collect({{"devices", "/dev/sdf /dev/sdz"}});
    CHECK_FALSE(run.status.ok());
    CHECK(std::string(run.status.message()).find("2 of 2 devices failed; first: sdf: ") !=
          std::string::npos);
    CHECK(run.rec.Get("hostmon_smart_device_up{device=\"sdf\"}") == 0);
    CHECK(run.rec.Get("hostmon_smart_device_up{device=\"sdz\"}") == 0);
    CHECK(run.rec.Get(Flag("sdf", "device_open_failed")) == 1);
    CHECK(run.rec.Get("hostmon_smart_device_standby{device=\"sdf\"}") == 0);
  }
  SECTION("device-exclude") {
    Run run = Collect({{"device-exclude", "nvme.*|sd[bcd]|bus.*"}});
    CHECK(run.status.ok());
    CHECK(run.rec.Get("smartctl_devices") == 1);
    CHECK(run.rec.Has("hostmon_smart_device_up{device=\"sda\"}"));
    CHECK_FALSE(run.rec.Has("hostmon_smart_device_up{device=\"nvme0\"}"));
  }
  SECTION("missing smartctl") {
    std::map<std::string, std::string> options{{"smartctl-path", "/nonexistent/smartctl"},
                                               {"devices", "/dev/sda"}};
    auto src = MakeSmartSource(testing::TestContext("smart", common::FsRoot(), options));
    REQUIRE(src.ok());
    testing::SampleRecorder rec;
    absl::Status s = (*src)->Collect(rec);
    CHECK_FALSE(s.ok());
    CHECK(std::string(s.message()).find("/nonexistent/smartctl") != std::string::npos);
    CHECK(rec.Get("hostmon_smart_device_up{device=\"sda\"}") == 0);
  }
  for (auto [opt, value] : std::map<std::string, std::string>{{"devices", "sda"},
                                                              {"device-exclude", "("},
                                                              {"device-timeout", "soon"},
                                                              {"parallel", "0"}}) {
    std::map<std::string, std::string> options{{opt, value}};
    auto src = MakeSmartSource(testing::TestContext("smart", common::FsRoot(), options));
    INFO(opt);
    REQUIRE_FALSE(src.ok());
    CHECK(std::string(src.status().message()).find("source smart: option \"" + opt + "\"") == 0);
  }
}

TEST_CASE("RunProcess captures output and exit status without a shell", "[smart]") {
  auto r = smart::RunProcess({"/bin/echo", "a b", "$HOME"}, absl::Seconds(5));
  REQUIRE(r.ok());
  CHECK(r->exited);
  CHECK(r->exit_status == 0);
  CHECK(r->out == "a b $HOME\n");
  auto f = smart::RunProcess({"false"}, absl::Seconds(5));  // looked up in PATH
  REQUIRE(f.ok());
  CHECK(f->exit_status == 1);
  auto big =
      smart::RunProcess({"/bin/sh", "-c", "head -c 100000 /dev/zero"}, absl::Seconds(5), 1000);
  REQUIRE(big.ok());
  CHECK(big->out.size() == 1000);
  CHECK(ChildProcesses() == 0);
}

}  // namespace
}  // namespace hostmon::agent
