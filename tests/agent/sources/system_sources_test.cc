// SPDX-License-Identifier: Apache-2.0
// clang-format off: the benchmarking switch must precede the Catch2 header.
#define CATCH_CONFIG_ENABLE_BENCHMARKING
#include <catch2/catch.hpp>
// clang-format on

// Source tests for the system sources (stat, uname, os, filefd, pressure, vmstat, time, timex,
// entropy, schedstat, cpu guest time) over the fixture tree, with fakes for the syscalls.
#include <sys/timex.h>
#include <sys/utsname.h>

#include <cstring>
#include <map>
#include <sstream>
#include <string>

#include "agent/source_registry.h"
#include "agent/sources/cpu/cpu_source.h"
#include "agent/sources/cpufreq/cpufreq_source.h"
#include "agent/sources/entropy/entropy_source.h"
#include "agent/sources/filefd/filefd_source.h"
#include "agent/sources/interrupts/interrupts_source.h"
#include "agent/sources/os/os_source.h"
#include "agent/sources/pressure/pressure_source.h"
#include "agent/sources/processes/processes_source.h"
#include "agent/sources/schedstat/schedstat_source.h"
#include "agent/sources/stat/stat_source.h"
#include "agent/sources/time/time_source.h"
#include "agent/sources/timex/timex_source.h"
#include "agent/sources/uname/uname_source.h"
#include "agent/sources/vmstat/vmstat_source.h"
#include "fakes/alloc_counter.h"
#include "fakes/fake_clock.h"
#include "fakes/sample_recorder.h"

// Prints sample maps one series per line, so that a failed comparison shows the difference.
namespace Catch {
template <>
struct StringMaker<std::map<std::string, double>> {
  static std::string convert(const std::map<std::string, double>& samples) {
    std::ostringstream out;
    out.precision(17);
    for (const auto& [series, value] : samples) out << "\n  " << series << " " << value;
    return out.str();
  }
};
}  // namespace Catch

namespace hostmon::agent {
namespace {

const common::FsRoot kFixtures(HOSTMON_FIXTURE_DIR "/proc", HOSTMON_FIXTURE_DIR "/sys",
                               HOSTMON_FIXTURE_DIR "/rootfs");
const common::FsRoot kEmpty(HOSTMON_FIXTURE_DIR "/does-not-exist",
                            HOSTMON_FIXTURE_DIR "/does-not-exist",
                            HOSTMON_FIXTURE_DIR "/does-not-exist");

SampleRecorder Collect(Source& source) {
  SampleRecorder rec;
  const absl::Status status = source.Collect(rec);
  INFO(status.ToString());
  REQUIRE(status.ok());
  return rec;
}

using Samples = std::map<std::string, double>;

TEST_CASE("stat source exports /proc/stat's counters", "[agent][sources][stat]") {
  SourceContext ctx{&kFixtures};
  SourcePtr source = MakeStatSource(ctx);
  const SampleRecorder rec = Collect(*source);
  CHECK(rec.samples == Samples{
                           {"node_boot_time_seconds", 1795274682},
                           {"node_context_switches_total", 280676},
                           {"node_forks_total", 4352},
                           {"node_intr_total", 162115},
                           {"node_procs_blocked", 0},
                           {"node_procs_running", 1},
                       });
  CHECK(rec.families.at("node_boot_time_seconds").type == kGauge);
  CHECK(rec.families.at("node_forks_total").type == kCounter);
  CHECK(rec.families.at("node_intr_total").help == "Total number of interrupts serviced.");

  SourceContext empty{&kEmpty};
  SampleRecorder none;
  CHECK(absl::IsNotFound(MakeStatSource(empty)->Collect(none)));
  CHECK(none.adds == 0);
}

TEST_CASE("cpu source exports guest time per CPU", "[agent][sources][cpu]") {
  SourceContext ctx{&kFixtures};
  const SampleRecorder rec = Collect(*MakeCpuSource(ctx));
  CHECK(rec.samples.at("node_cpu_guest_seconds_total{cpu=\"2\",mode=\"user\"}") == 0.07);
  CHECK(rec.samples.at("node_cpu_guest_seconds_total{cpu=\"2\",mode=\"nice\"}") == 0.02);
  CHECK(rec.samples.at("node_cpu_guest_seconds_total{cpu=\"0\",mode=\"user\"}") == 0);
  CHECK(rec.samples.count("node_cpu_guest_seconds_total{cpu=\"3\",mode=\"nice\"}") == 1);
  CHECK(rec.samples.count("node_cpu_guest_seconds_total{cpu=\"4\",mode=\"nice\"}") == 0);
  // 4 CPUs x (8 modes + 2 guest modes).
  CHECK(rec.samples.size() == 40);
  CHECK(rec.families.at("node_cpu_guest_seconds_total").type == kCounter);
}

TEST_CASE("cpufreq source converts kHz to Hz", "[agent][sources][cpufreq]") {
  SourceContext ctx{&kFixtures};
  const SampleRecorder rec = Collect(*MakeCpufreqSource(ctx));
  // cpuinfo_cur_freq exists only for cpu0 in the fixture (it is root-only on real hosts).
  CHECK(rec.samples.size() == 21);
  CHECK(rec.samples.at("node_cpu_frequency_hertz{cpu=\"0\"}") == 2112000000);
  CHECK(rec.samples.count("node_cpu_frequency_hertz{cpu=\"1\"}") == 0);
  CHECK(rec.samples.at("node_cpu_frequency_max_hertz{cpu=\"3\"}") == 3600000000);
  CHECK(rec.samples.at("node_cpu_frequency_min_hertz{cpu=\"2\"}") == 800000000);
  CHECK(rec.samples.at("node_cpu_scaling_frequency_hertz{cpu=\"1\"}") == 1345678000);
  CHECK(rec.samples.at("node_cpu_scaling_frequency_min_hertz{cpu=\"0\"}") == 800000000);
  CHECK(rec.samples.at("node_cpu_scaling_frequency_max_hertz{cpu=\"0\"}") == 3600000000);
  CHECK(rec.families.at("node_cpu_scaling_frequency_hertz").help ==
        "Current scaled CPU thread frequency in hertz.");

  // No sysfs at all, and CPUs without cpufreq (a VM): both NotFound.
  SourceContext empty{&kEmpty};
  SampleRecorder none;
  CHECK(absl::IsNotFound(MakeCpufreqSource(empty)->Collect(none)));
  const common::FsRoot no_cpufreq("/nonexistent", HOSTMON_FIXTURE_DIR "/variants/cpufreq/none",
                                  "/nonexistent");
  SourceContext vm{&no_cpufreq};
  CHECK(absl::IsNotFound(MakeCpufreqSource(vm)->Collect(none)));
  CHECK(none.adds == 0);
}

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
  const SampleRecorder rec = Collect(*MakeUnameSourceWith(FakeUname));
  CHECK(rec.samples ==
        Samples{{"node_uname_info{domainname=\"(none)\",machine=\"x86_64\",nodename=\"web-01\","
                 "release=\"6.1.0-18-amd64\",sysname=\"Linux\",version=\"#1 SMP PREEMPT_DYNAMIC "
                 "Debian 6.1.76-1 (2024-02-01)\"}",
                 1}});
  CHECK(rec.families.at("node_uname_info").help ==
        "Labeled system information as provided by the uname system call.");

  SampleRecorder none;
  auto failing = [](struct utsname*) { return absl::InternalError("uname(2): boom"); };
  CHECK(absl::IsInternal(MakeUnameSourceWith(failing)->Collect(none)));
  CHECK(none.adds == 0);

  // The real call works on this host.
  SourceContext ctx{&kFixtures};
  const SampleRecorder real = Collect(*MakeUnameSource(ctx));
  CHECK(real.adds == 1);
}

TEST_CASE("os source reads etc/os-release, then usr/lib/os-release", "[agent][sources][os]") {
  SourceContext ctx{&kFixtures};
  const SampleRecorder rec = Collect(*MakeOsSource(ctx));
  CHECK(rec.samples ==
        Samples{
            {"node_os_info{build_id=\"\",id=\"debian\",id_like=\"\",image_id=\"\",image_version="
             "\"\",name=\"Debian GNU/Linux\",pretty_name=\"Debian GNU/Linux 12 (bookworm)\","
             "variant=\"\",variant_id=\"\",version=\"12 (bookworm)\",version_codename="
             "\"bookworm\",version_id=\"12\"}",
             1},
            {"node_os_version{id=\"debian\",id_like=\"\",name=\"Debian GNU/Linux\"}", 12},
        });

  const common::FsRoot usr_lib("/nonexistent", "/nonexistent",
                               HOSTMON_FIXTURE_DIR "/variants/os/usr-lib-only");
  SourceContext fallback{&usr_lib};
  const SampleRecorder ubuntu = Collect(*MakeOsSource(fallback));
  CHECK(ubuntu.samples.at("node_os_version{id=\"ubuntu\",id_like=\"debian\",name=\"Ubuntu\"}") ==
        22.04);
  CHECK(ubuntu.samples.size() == 2);

  SourceContext empty{&kEmpty};
  SampleRecorder none;
  CHECK(absl::IsNotFound(MakeOsSource(empty)->Collect(none)));
  CHECK(none.adds == 0);
}

TEST_CASE("filefd source", "[agent][sources][filefd]") {
  SourceContext ctx{&kFixtures};
  const SampleRecorder rec = Collect(*MakeFilefdSource(ctx));
  CHECK(rec.samples == Samples{{"node_filefd_allocated", 1244}, {"node_filefd_maximum", 2466170}});
  CHECK(rec.families.at("node_filefd_maximum").type == kGauge);
  SourceContext empty{&kEmpty};
  SampleRecorder none;
  CHECK(absl::IsNotFound(MakeFilefdSource(empty)->Collect(none)));
}

TEST_CASE("pressure source", "[agent][sources][pressure]") {
  SourceContext ctx{&kFixtures};
  const SampleRecorder rec = Collect(*MakePressureSource(ctx));
  CHECK(rec.samples == Samples{
                           {"node_pressure_cpu_waiting_seconds_total", 114.201963},
                           {"node_pressure_io_stalled_seconds_total", 4.026982},
                           {"node_pressure_io_waiting_seconds_total", 4.351211},
                           {"node_pressure_irq_stalled_seconds_total", 0.021873},
                           {"node_pressure_memory_stalled_seconds_total", 0.873204},
                           {"node_pressure_memory_waiting_seconds_total", 1.523411},
                       });
  CHECK(rec.families.at("node_pressure_io_stalled_seconds_total").help ==
        "Total time in seconds no process could make progress due to IO congestion");
  SourceContext empty{&kEmpty};
  SampleRecorder none;
  CHECK(absl::IsNotFound(MakePressureSource(empty)->Collect(none)));
}

TEST_CASE("vmstat source filters fields like node_exporter", "[agent][sources][vmstat]") {
  SourceContext ctx{&kFixtures};
  auto source = MakeVmstatSource(ctx);
  REQUIRE(source.ok());
  const SampleRecorder rec = Collect(**source);
  CHECK(rec.samples == Samples{
                           {"node_vmstat_oom_kill", 0},
                           {"node_vmstat_pgfault", 39497884},
                           {"node_vmstat_pgmajfault", 806},
                           {"node_vmstat_pgpgin", 1168061},
                           {"node_vmstat_pgpgout", 5536440},
                           {"node_vmstat_pswpin", 0},
                           {"node_vmstat_pswpout", 0},
                       });
  CHECK(rec.families.at("node_vmstat_pgfault").type == kUntyped);
  CHECK(rec.families.at("node_vmstat_pgfault").help == "/proc/vmstat information field pgfault.");

  const std::map<std::string, std::string> options{{"fields", "^nr_free_pages$"}};
  SourceContext custom{&kFixtures, &options};
  auto only = MakeVmstatSource(custom);
  REQUIRE(only.ok());
  CHECK(Collect(**only).samples == Samples{{"node_vmstat_nr_free_pages", 1045211}});

  const std::map<std::string, std::string> bad{{"fields", "(pg"}};
  SourceContext invalid{&kFixtures, &bad};
  CHECK(absl::IsInvalidArgument(MakeVmstatSource(invalid).status()));

  SourceContext empty{&kEmpty};
  SampleRecorder none;
  CHECK(absl::IsNotFound((*MakeVmstatSource(empty))->Collect(none)));
}

TEST_CASE("time source", "[agent][sources][time]") {
  testing::FakeClock clock(absl::FromUnixMillis(1795278899500));
  auto zone = [](absl::Time, std::string* name, int* offset) {
    name->assign("CET");
    *offset = 3600;
  };
  SourceContext ctx{&kFixtures};
  const SampleRecorder rec = Collect(*MakeTimeSourceWith(ctx, &clock, zone));
  CHECK(rec.samples ==
        Samples{
            {"node_time_clocksource_available_info{clocksource=\"kvm-clock\",device=\"0\"}", 1},
            {"node_time_clocksource_available_info{clocksource=\"tsc\",device=\"0\"}", 1},
            {"node_time_clocksource_current_info{clocksource=\"tsc\",device=\"0\"}", 1},
            {"node_time_seconds", 1795278899.5},
            {"node_time_zone_offset_seconds{time_zone=\"CET\"}", 3600},
        });
  // Without sysfs there are no clocksource series, but the time itself is still exported.
  SourceContext empty{&kEmpty};
  const SampleRecorder bare = Collect(*MakeTimeSourceWith(empty, &clock, zone));
  CHECK(bare.samples.size() == 2);
}

TEST_CASE("timex source converts adjtimex(2) units", "[agent][sources][timex]") {
  auto fake = [](struct timex* tx) -> absl::StatusOr<int> {
    tx->offset = -1500;     // us (no STA_NANO)
    tx->freq = 65536 * 12;  // 12 ppm
    tx->maxerror = 16000;   // us
    tx->esterror = 250;     // us
    tx->status = 0x0001;    // STA_PLL
    tx->constant = 7;
    tx->tick = 10000;         // us
    tx->ppsfreq = 65536 * 2;  // 2 ppm
    tx->jitter = 40;
    tx->shift = 4;
    tx->stabil = 65536;
    tx->jitcnt = 1;
    tx->calcnt = 2;
    tx->errcnt = 3;
    tx->stbcnt = 4;
    tx->tai = 37;
    return TIME_OK;
  };
  const SampleRecorder rec = Collect(*MakeTimexSourceWith(fake));
  CHECK(rec.samples == Samples{
                           {"node_timex_estimated_error_seconds", 0.00025},
                           {"node_timex_frequency_adjustment_ratio", 1.000012},
                           {"node_timex_loop_time_constant", 7},
                           {"node_timex_maxerror_seconds", 0.016},
                           {"node_timex_offset_seconds", -0.0015},
                           {"node_timex_pps_calibration_total", 2},
                           {"node_timex_pps_error_total", 3},
                           {"node_timex_pps_frequency_hertz", 0.000002},
                           {"node_timex_pps_jitter_seconds", 0.00004},
                           {"node_timex_pps_jitter_total", 1},
                           {"node_timex_pps_shift_seconds", 4},
                           {"node_timex_pps_stability_exceeded_total", 4},
                           {"node_timex_pps_stability_hertz", 0.000001},
                           {"node_timex_status", 1},
                           {"node_timex_sync_status", 1},
                           {"node_timex_tai_offset_seconds", 37},
                           {"node_timex_tick_seconds", 0.01},
                       });
  CHECK(rec.families.at("node_timex_pps_error_total").type == kCounter);

  auto nano_unsynced = [](struct timex* tx) -> absl::StatusOr<int> {
    tx->status = STA_NANO | STA_UNSYNC;
    tx->offset = 2500000;  // ns
    return TIME_ERROR;
  };
  const SampleRecorder nano = Collect(*MakeTimexSourceWith(nano_unsynced));
  CHECK(nano.samples.at("node_timex_offset_seconds") == 0.0025);
  CHECK(nano.samples.at("node_timex_sync_status") == 0);

  auto denied = [](struct timex*) -> absl::StatusOr<int> {
    return absl::NotFoundError("adjtimex(2): not permitted");
  };
  SampleRecorder none;
  CHECK(absl::IsNotFound(MakeTimexSourceWith(denied)->Collect(none)));
  CHECK(none.adds == 0);
}

TEST_CASE("interrupts source", "[agent][sources][interrupts]") {
  SourceContext ctx{&kFixtures};
  const SampleRecorder rec = Collect(*MakeInterruptsSource(ctx));
  CHECK(rec.samples.size() == 66);  // 33 IRQs x 2 CPUs
  CHECK(rec.samples.at("node_interrupts_total{cpu=\"1\",devices=\"4-edge "
                       "ttyS0\",info=\"IO-APIC\",type=\"26\"}") == 15);
  CHECK(rec.samples.at("node_interrupts_total{cpu=\"0\",devices=\"\",info=\"Local timer "
                       "interrupts\",type=\"LOC\"}") == 609447);
  CHECK(rec.families.at("node_interrupts_total").type == kCounter);
  CHECK(rec.families.at("node_interrupts_total").help == "Interrupt details.");
  SourceContext empty{&kEmpty};
  SampleRecorder none;
  CHECK(absl::IsNotFound(MakeInterruptsSource(empty)->Collect(none)));
}

TEST_CASE("processes source scans pids and tasks", "[agent][sources][processes]") {
  SourceContext ctx{&kFixtures};
  const SampleRecorder rec = Collect(*MakeProcessesSource(ctx));
  CHECK(rec.samples == Samples{
                           {"node_processes_max_processes", 32768},
                           {"node_processes_max_threads", 192730},
                           {"node_processes_pids", 4},
                           {"node_processes_state{state=\"I\"}", 1},
                           {"node_processes_state{state=\"S\"}", 2},
                           {"node_processes_state{state=\"Z\"}", 1},
                           {"node_processes_threads", 6},
                           {"node_processes_threads_state{thread_state=\"I\"}", 1},
                           {"node_processes_threads_state{thread_state=\"R\"}", 1},
                           {"node_processes_threads_state{thread_state=\"S\"}", 3},
                           {"node_processes_threads_state{thread_state=\"Z\"}", 1},
                       });
  CHECK(rec.families.at("node_processes_pids").help == "Number of PIDs");
  SourceContext empty{&kEmpty};
  SampleRecorder none;
  CHECK(absl::IsNotFound(MakeProcessesSource(empty)->Collect(none)));
  CHECK(none.adds == 0);
}

TEST_CASE("entropy source", "[agent][sources][entropy]") {
  SourceContext ctx{&kFixtures};
  const SampleRecorder rec = Collect(*MakeEntropySource(ctx));
  CHECK(rec.samples ==
        Samples{{"node_entropy_available_bits", 256}, {"node_entropy_pool_size_bits", 256}});
  SourceContext empty{&kEmpty};
  SampleRecorder none;
  CHECK(absl::IsNotFound(MakeEntropySource(empty)->Collect(none)));
}

TEST_CASE("schedstat source", "[agent][sources][schedstat]") {
  SourceContext ctx{&kFixtures};
  const SampleRecorder rec = Collect(*MakeSchedstatSource(ctx));
  CHECK(rec.samples.size() == 12);
  CHECK(rec.samples.at("node_schedstat_running_seconds_total{cpu=\"0\"}") == 2398.764121389);
  CHECK(rec.samples.at("node_schedstat_waiting_seconds_total{cpu=\"1\"}") == 118.40522433);
  CHECK(rec.samples.at("node_schedstat_timeslices_total{cpu=\"3\"}") == 377096);
  SourceContext empty{&kEmpty};
  SampleRecorder none;
  CHECK(absl::IsNotFound(MakeSchedstatSource(empty)->Collect(none)));
}

// A writer that keeps nothing, so that only the source's own allocations are counted.
class NullWriter : public SampleWriter {
 public:
  void Add(const MetricDesc&, LabelSpan, double) override {}
};

TEST_CASE("System sources do not allocate in steady state", "[agent][sources][alloc]") {
  SourceContext ctx{&kFixtures};
  for (const SourceInfo& info : BuiltinSources()) {
    // Reads D-Bus, not the fixture tree; its steady state is checked with a fake client in
    // systemd_source_test.cc.
    if (info.name == "systemd") continue;
    // Slow-tier sources (devices, BMCs) run off the fast thread and may allocate there; merging
    // their results into the fast cycle is checked allocation-free in slow_tier_test.cc. Each
    // has its own tests with fakes and real peers (smart, ipmi, redfish).
    if (info.slow) continue;
    INFO("source " << info.name);
    auto source = info.factory(ctx);
    REQUIRE(source.ok());
    NullWriter out;
    REQUIRE((*source)->Collect(out).ok());  // warm-up: sizes buffers
    REQUIRE((*source)->Collect(out).ok());
    size_t allocations;
    {
      testing::AllocationCounter counter;
      (void)(*source)->Collect(out);
      allocations = counter.count();
    }
    CHECK(allocations == 0);
  }
}

}  // namespace
}  // namespace hostmon::agent
