// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/ipmi/ipmi_source.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <string>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "fakes/sample_recorder.h"
#include "fakes/source_context.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

using ipmi::IpmiReader;
using ipmi::ReaderSpec;
using ipmi::SensorReading;

ipmi::BmcCommands OkCommands() {
  ipmi::BmcCommands c;
  c.chassis_status = c.sel_status = c.dcmi_status = absl::OkStatus();
  return c;
}

// What a fake BMC answers; shared between the test and the reader a worker thread uses.
struct FakeBmc {
  absl::Status status;
  std::vector<SensorReading> readings;
  ipmi::BmcCommands commands = OkCommands();  // what the raw commands answer
  std::atomic<int> sensor_reads{0};
  std::atomic<int> command_reads{0};
  // When set, a read blocks until it is notified: a hung BMC.
  std::shared_ptr<absl::Notification> hang;
  absl::Duration delay;                    // a slow BMC
  std::atomic<int>* concurrent = nullptr;  // reads in progress across BMCs, and the maximum
  std::atomic<int>* max_concurrent = nullptr;
};

class FakeReader : public IpmiReader {
 public:
  explicit FakeReader(std::shared_ptr<FakeBmc> bmc) : bmc_(std::move(bmc)) {}
  absl::Status ReadSensors(std::vector<SensorReading>* out) override {
    ++bmc_->sensor_reads;
    if (bmc_->concurrent != nullptr) {
      const int now = ++*bmc_->concurrent;
      int seen = bmc_->max_concurrent->load();
      while (now > seen && !bmc_->max_concurrent->compare_exchange_weak(seen, now)) {
      }
    }
    if (auto hang = bmc_->hang) hang->WaitForNotification();
    absl::SleepFor(bmc_->delay);
    if (bmc_->concurrent != nullptr) --*bmc_->concurrent;
    *out = bmc_->readings;
    return bmc_->status;
  }
  void ReadCommands(const ipmi::Collectors&, ipmi::BmcCommands* out) override {
    ++bmc_->command_reads;
    *out = bmc_->commands;
  }

 private:
  std::shared_ptr<FakeBmc> bmc_;
};

SensorReading Temp(int64_t id, double value) {
  SensorReading r;
  r.record_id = id;
  r.name = "CPU Temp";
  r.sensor_type = ipmi::kSensorTypeTemperature;
  r.state = ipmi::kStateNominal;
  r.units = ipmi::kUnitsCelsius;
  r.value = value;
  return r;
}

struct Fixture {
  Fixture() { dir.Write("pw", "pw\n"); }

  // Builds the source with fake BMCs keyed by target name ("" = the local BMC).
  absl::StatusOr<SourcePtr> Make(const std::string& targets_yaml,
                                 std::map<std::string, std::string> opts = {}) {
    if (!targets_yaml.empty()) opts["config"] = dir.Write("ipmi.yml", targets_yaml);
    opts.emplace("sdr-cache-dir", dir.File("cache"));
    // As the agent: the slow tier's timeout option becomes the context's deadline.
    const testing::TestContext ctx("ipmi", common::FsRoot(), opts);
    return MakeIpmiSourceWithReaders(ctx, [this](const ReaderSpec& spec) {
      const std::string name = spec.target == nullptr ? "" : spec.target->name;
      auto& bmc = bmcs[name];
      if (!bmc) bmc = std::make_shared<FakeBmc>();
      return std::make_unique<FakeReader>(bmc);
    });
  }

  std::shared_ptr<FakeBmc> Bmc(const std::string& name) {
    auto& bmc = bmcs[name];
    if (!bmc) bmc = std::make_shared<FakeBmc>();
    return bmc;
  }

  testing::ScopedTempDir dir;
  std::map<std::string, std::shared_ptr<FakeBmc>> bmcs;
};

constexpr char kTwoTargets[] = R"(targets:
  - {name: good, host: h1, password_file: pw, timeout: 200ms, collectors: [ipmi, chassis, sel],
     labels: {rack: r1}}
  - {name: hung, host: h2, password_file: pw, timeout: 200ms, collectors: [ipmi]}
)";

TEST_CASE("IpmiSource: a hung BMC misses its deadline, is not read again while pending, recovers",
          "[agent][ipmi]") {
  Fixture f;
  f.Bmc("good")->readings = {Temp(2, 45)};
  f.Bmc("good")->commands.chassis_status = absl::OkStatus();
  f.Bmc("good")->commands.chassis = {true, false, true};
  f.Bmc("good")->commands.sel_status = absl::OkStatus();
  f.Bmc("good")->commands.sel = {3, 4096};
  auto hung = f.Bmc("hung");
  hung->readings = {Temp(2, 50)};
  hung->hang = std::make_shared<absl::Notification>();
  auto src = f.Make(kTwoTargets, {{"local", "false"}});
  REQUIRE(src.ok());

  testing::SampleRecorder out;
  const absl::Time start = absl::Now();
  absl::Status s = (*src)->Collect(out);
  const absl::Duration took = absl::Now() - start;
  CHECK(took < absl::Seconds(2));  // the 200ms deadline plus grace, never the hang
  CHECK(absl::IsUnavailable(s));
  CHECK_THAT(std::string(s.message()), Catch::Matchers::Contains("target hung: no answer"));
  CHECK(out.samples.at(R"(ipmi_up{collector="ipmi",target="good",rack="r1"})") == 1);
  CHECK(out.samples.at(R"(ipmi_up{collector="sel",target="good",rack="r1"})") == 1);
  CHECK(out.samples.at(R"(ipmi_sel_logs_count{target="good",rack="r1"})") == 3);
  CHECK(out.samples.at(R"(ipmi_sel_free_space_bytes{target="good",rack="r1"})") == 4096);
  CHECK(out.samples.at(R"(ipmi_up{collector="chassis",target="good",rack="r1"})") == 1);
  CHECK(out.samples.at(R"(ipmi_chassis_power_state{target="good",rack="r1"})") == 1);
  CHECK(out.samples.at(R"(ipmi_chassis_drive_fault_state{target="good",rack="r1"})") == 1);
  CHECK(out.samples.at(R"(ipmi_chassis_cooling_fault_state{target="good",rack="r1"})") == 0);
  CHECK(out.samples.at(
            R"(ipmi_temperature_celsius{id="2",name="CPU Temp",target="good",rack="r1"})") == 45);
  CHECK(out.samples.at(R"(ipmi_up{collector="ipmi",target="hung"})") == 0);
  // No frozen values: the hung BMC exports only its ipmi_up.
  CHECK(out.samples.count(R"(ipmi_temperature_celsius{id="2",name="CPU Temp",target="hung"})") ==
        0);

  testing::SampleRecorder second;
  s = (*src)->Collect(second);
  CHECK_THAT(std::string(s.message()),
             Catch::Matchers::Contains("target hung: the previous read has not returned yet"));
  CHECK(hung->sensor_reads == 1);  // at most one read in flight per BMC
  CHECK(f.Bmc("good")->sensor_reads == 2);
  CHECK(second.samples.at(R"(ipmi_up{collector="ipmi",target="hung"})") == 0);

  hung->hang->Notify();
  // The pending read returns; the next round reads the BMC again.
  for (int i = 0; i < 100 && hung->sensor_reads < 2; ++i) {
    testing::SampleRecorder again;
    s = (*src)->Collect(again);
    if (again.samples.count(R"(ipmi_up{collector="ipmi",target="hung"})") &&
        again.samples.at(R"(ipmi_up{collector="ipmi",target="hung"})") == 1) {
      CHECK(again.samples.at(R"(ipmi_temperature_celsius{id="2",name="CPU Temp",target="hung"})") ==
            50);
      CHECK(s.ok());
      break;
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  CHECK(hung->sensor_reads == 2);
}

TEST_CASE("IpmiSource: no local BMC and no targets is NotFound", "[agent][ipmi]") {
  Fixture f;
  f.Bmc("")->status = absl::NotFoundError("no local BMC");
  auto src = f.Make("");
  REQUIRE(src.ok());
  testing::SampleRecorder out;
  CHECK(absl::IsNotFound((*src)->Collect(out)));
  CHECK(out.samples.empty());

  Fixture off;
  auto none = off.Make("", {{"local", "false"}});
  REQUIRE(none.ok());
  CHECK(absl::IsNotFound((*none)->Collect(out)));
}

TEST_CASE("IpmiSource: a missing local BMC does not fail the remote targets", "[agent][ipmi]") {
  Fixture f;
  f.Bmc("")->status = absl::NotFoundError("no local BMC");
  f.Bmc("good")->readings = {Temp(2, 45)};
  auto src = f.Make("targets:\n  - {name: good, host: h, password_file: pw}\n");
  REQUIRE(src.ok());
  testing::SampleRecorder out;
  CHECK((*src)->Collect(out).ok());
  CHECK(out.samples.at(R"(ipmi_up{collector="ipmi",target="good"})") == 1);
  CHECK(out.samples.count(R"(ipmi_up{collector="ipmi"})") == 0);

  // local=true: the operator expects a BMC here; its absence is a failure.
  Fixture g;
  g.Bmc("")->status = absl::NotFoundError("no local BMC");
  auto required = g.Make("", {{"local", "true"}});
  REQUIRE(required.ok());
  testing::SampleRecorder out2;
  CHECK_FALSE((*required)->Collect(out2).ok());
  CHECK(out2.samples.at(R"(ipmi_up{collector="ipmi"})") == 0);
}

TEST_CASE("IpmiSource: the local BMC's samples carry no target label", "[agent][ipmi]") {
  Fixture f;
  f.Bmc("")->readings = {Temp(5, 40)};
  auto src = f.Make("");
  REQUIRE(src.ok());
  testing::SampleRecorder out;
  CHECK((*src)->Collect(out).ok());
  CHECK(out.samples.at(R"(ipmi_temperature_celsius{id="5",name="CPU Temp"})") == 40);
  CHECK(out.samples.at(R"(ipmi_up{collector="ipmi"})") == 1);
  CHECK(out.samples.count("ipmi_scrape_duration_seconds") == 1);
}

TEST_CASE("IpmiSource: a failing BMC reports ipmi_up 0 and names itself in the error",
          "[agent][ipmi]") {
  Fixture f;
  f.Bmc("bad")->status = absl::PermissionDeniedError("reading sensors: password invalid");
  auto src =
      f.Make("targets:\n  - {name: bad, host: h, password_file: pw, collectors: [ipmi, sel]}\n",
             {{"local", "false"}});
  REQUIRE(src.ok());
  testing::SampleRecorder out;
  absl::Status s = (*src)->Collect(out);
  CHECK_THAT(std::string(s.message()),
             Catch::Matchers::Contains("target bad: reading sensors: password invalid"));
  CHECK(out.samples.at(R"(ipmi_up{collector="ipmi",target="bad"})") == 0);
  CHECK(out.samples.at(R"(ipmi_up{collector="sel",target="bad"})") == 1);
}

TEST_CASE("IpmiSource: chassis, SEL and DCMI each have their own ipmi_up", "[agent][ipmi]") {
  Fixture f;
  auto bmc = f.Bmc("b");
  bmc->readings = {Temp(2, 30)};
  bmc->commands.chassis = {false, true, false};
  bmc->commands.sel = {12, 100};
  bmc->commands.dcmi_status = absl::UnimplementedError("DCMI Get Power Reading: not supported");
  auto src = f.Make(
      "targets:\n  - {name: b, host: h, password_file: pw, collectors: [ipmi, chassis, sel, "
      "dcmi]}\n",
      {{"local", "false"}});
  REQUIRE(src.ok());
  testing::SampleRecorder out;
  absl::Status s = (*src)->Collect(out);
  CHECK_THAT(std::string(s.message()),
             Catch::Matchers::Contains("target b: DCMI Get Power Reading: not supported"));
  CHECK(out.samples.at(R"(ipmi_up{collector="ipmi",target="b"})") == 1);
  CHECK(out.samples.at(R"(ipmi_up{collector="chassis",target="b"})") == 1);
  CHECK(out.samples.at(R"(ipmi_up{collector="sel",target="b"})") == 1);
  CHECK(out.samples.at(R"(ipmi_up{collector="dcmi",target="b"})") == 0);
  CHECK(out.samples.at(R"(ipmi_chassis_power_state{target="b"})") == 0);
  CHECK(out.samples.at(R"(ipmi_chassis_drive_fault_state{target="b"})") == 0);
  CHECK(out.samples.at(R"(ipmi_sel_logs_count{target="b"})") == 12);
  CHECK(out.samples.count(R"(ipmi_dcmi_power_consumption_watts{target="b"})") == 0);
}

TEST_CASE("IpmiSource: an unreachable BMC is not asked for its commands and fails once",
          "[agent][ipmi]") {
  Fixture f;
  auto bmc = f.Bmc("dead");
  bmc->status = absl::UnavailableError("reading sensors: connection timeout");
  auto src = f.Make(
      "targets:\n  - {name: dead, host: h, password_file: pw, collectors: [ipmi, chassis, sel]}\n",
      {{"local", "false"}});
  REQUIRE(src.ok());
  testing::SampleRecorder out;
  absl::Status s = (*src)->Collect(out);
  CHECK(std::string(s.message()) == "target dead: reading sensors: connection timeout");
  CHECK(bmc->command_reads == 0);  // a second session timeout would only hold the worker
  CHECK(out.samples.at(R"(ipmi_up{collector="chassis",target="dead"})") == 0);
  CHECK(out.samples.at(R"(ipmi_up{collector="sel",target="dead"})") == 0);
}

TEST_CASE("IpmiSource: many BMCs with parallelism 1 are all read", "[agent][ipmi]") {
  Fixture f;
  std::string yaml = "targets:\n";
  for (int i = 0; i < 6; ++i) {
    yaml += "  - {name: b" + std::to_string(i) + ", host: h, password_file: pw}\n";
    f.Bmc("b" + std::to_string(i))->readings = {Temp(2, 20 + i)};
  }
  auto src = f.Make(yaml, {{"local", "false"}, {"parallelism", "1"}});
  REQUIRE(src.ok());
  testing::SampleRecorder out;
  CHECK((*src)->Collect(out).ok());
  for (int i = 0; i < 6; ++i) {
    CHECK(out.samples.at("ipmi_temperature_celsius{id=\"2\",name=\"CPU Temp\",target=\"b" +
                         std::to_string(i) + "\"}") == 20 + i);
  }
}

TEST_CASE("IpmiSource: BMCs are read in parallel, at most `parallelism` at a time",
          "[agent][ipmi]") {
  Fixture f;
  std::atomic<int> concurrent{0};
  std::atomic<int> max_concurrent{0};
  std::string yaml = "targets:\n";
  for (int i = 0; i < 8; ++i) {
    const std::string name = "slow" + std::to_string(i);
    yaml += "  - {name: " + name + ", host: h, password_file: pw, timeout: 2s}\n";
    auto bmc = f.Bmc(name);
    bmc->readings = {Temp(2, i)};
    bmc->delay = absl::Milliseconds(150);
    bmc->concurrent = &concurrent;
    bmc->max_concurrent = &max_concurrent;
  }
  auto src = f.Make(yaml, {{"local", "false"}, {"parallelism", "4"}});
  REQUIRE(src.ok());
  testing::SampleRecorder out;
  const absl::Time start = absl::Now();
  CHECK((*src)->Collect(out).ok());
  const absl::Duration took = absl::Now() - start;
  // 8 reads of 150ms, 4 at a time: two waves, well under the 1.2s a serial read would take.
  CHECK(took < absl::Milliseconds(1100));
  CHECK(max_concurrent.load() <= 4);  // the bound
  CHECK(max_concurrent.load() >= 2);  // and real parallelism
  for (int i = 0; i < 8; ++i) {
    CHECK(out.samples.at("ipmi_up{collector=\"ipmi\",target=\"slow" + std::to_string(i) + "\"}") ==
          1);
  }
}

TEST_CASE("IpmiSource: bad options are InvalidArgument naming the option", "[agent][ipmi]") {
  Fixture f;
  auto msg = [&](std::map<std::string, std::string> opts) {
    auto s = f.Make("", std::move(opts));
    return s.ok() ? std::string("OK") : std::string(s.status().message());
  };
  CHECK_THAT(msg({{"target-timeout", "fast"}}),
             Catch::Matchers::Contains("source ipmi: option \"target-timeout\""));
  // The slow tier's deadline for the whole round must leave room for every BMC's deadline.
  CHECK_THAT(msg({{"timeout", "10s"}}),
             Catch::Matchers::Contains("source ipmi: option \"timeout\": the collection deadline "
                                       "(10s) must exceed option \"target-timeout\""));
  CHECK(msg({{"timeout", "11s"}}) == "OK");
  CHECK_THAT(msg({{"parallelism", "0"}}),
             Catch::Matchers::Contains("source ipmi: option \"parallelism\""));
  CHECK_THAT(msg({{"local", "maybe"}}), Catch::Matchers::Contains("source ipmi: option \"local\""));
  CHECK_THAT(msg({{"driver", "bt"}}), Catch::Matchers::Contains("source ipmi: option \"driver\""));
  CHECK_THAT(msg({{"local-collectors", "ipmi,fru"}}),
             Catch::Matchers::Contains(
                 "source ipmi: option \"local-collectors\": unknown collector \"fru\""));
  CHECK_THAT(msg({{"config", f.dir.File("absent.yml")}}),
             Catch::Matchers::Contains("ipmi targets file"));
  CHECK(msg({}) == "OK");
}

TEST_CASE("The ipmi source is registered off by default, in the slow tier", "[agent][ipmi]") {
  const SourceInfo* info = nullptr;
  for (const SourceInfo& s : BuiltinSources()) {
    if (s.name == "ipmi") info = &s;
  }
  REQUIRE(info != nullptr);
  CHECK_FALSE(info->enabled_by_default);
  CHECK(info->slow);
}

}  // namespace
}  // namespace hostmon::agent
