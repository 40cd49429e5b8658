// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/hwmon/hwmon_source.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "common/fs_root.h"
#include "fakes/fake_clock.h"
#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/source_context.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

TEST_CASE("hwmon over the fixture tree", "[agent][hwmon]") {
  const common::FsRoot fs = testing::FixtureRoot();
  SourcePtr source = MakeHwmonSourceWithOps(fs, RealSysfsDirOps()).value();
  testing::SampleRecorder w;
  REQUIRE(source->Collect(w).ok());
  const auto& s = w.samples;
  CHECK(s.size() == 69);
  // thermal_zone0 (the acpitz device) has its own "temp" file, read like a sensor: sensor temp0.
  CHECK(s.at("node_hwmon_temp_celsius{chip=\"thermal_thermal_zone0\",sensor=\"temp0\"}") == 27.8);
  CHECK(s.at("node_hwmon_temp_celsius{chip=\"platform_coretemp_0\",sensor=\"temp1\"}") == 45);
  CHECK(s.at("node_hwmon_temp_crit_alarm_celsius{chip=\"platform_coretemp_0\",sensor=\"temp3\"}") ==
        0.001);
  CHECK(s.at("node_hwmon_temp_celsius{chip=\"thermal_thermal_zone0\",sensor=\"temp1\"}") == 27.8);
  CHECK(s.at("node_hwmon_temp_celsius{chip=\"hwmon5\",sensor=\"temp1\"}") == 30);
  CHECK(s.at("node_hwmon_fan_rpm{chip=\"platform_nct6775_656\",sensor=\"fan1\"}") == 1235);
  CHECK(s.at("node_hwmon_in_volts{chip=\"platform_nct6775_656\",sensor=\"in0\"}") == 1.032);
  CHECK(s.at("node_hwmon_in_volts{chip=\"ina3221\",sensor=\"in1\"}") == 12.096);
  CHECK(s.at("node_hwmon_curr_amps{chip=\"ina3221\",sensor=\"curr1\"}") == 1.25);
  // Sensor files in device/ (ACPI power meter).
  CHECK(s.at("node_hwmon_power_average_watt{chip=\"device:00_acpi000d:00\",sensor=\"power1\"}") ==
        345);
  CHECK(s.at("node_hwmon_energy_joule_total{chip=\"device:00_acpi000d:00\",sensor=\"energy1\"}") ==
        123456.789);
  CHECK(s.at("node_hwmon_chip_names{chip=\"platform_coretemp_0\",chip_name=\"coretemp\"}") == 1);
  CHECK(s.at("node_hwmon_sensor_label{chip=\"platform_coretemp_0\",label=\"Package id "
             "0\",sensor=\"temp1\"}") == 1);
  CHECK(s.at("node_hwmon_beep_enabled{chip=\"platform_nct6775_656\",sensor=\"beep_enable0\"}") ==
        0);
  CHECK(s.at("node_hwmon_update_interval_seconds{chip=\"ina3221\",sensor=\"update_interval0\"}") ==
        1);
  // temp2_input of the nct6779 holds garbage and is skipped.
  CHECK(s.count("node_hwmon_temp_celsius{chip=\"platform_nct6775_656\",sensor=\"temp2\"}") == 0);
  CHECK(w.types.at("node_hwmon_energy_joule_total") == kCounter);
  CHECK(w.help.at("node_hwmon_fan_min_rpm") ==
        "Hardware monitor for fan revolutions per minute (min)");
  for (const auto& [key, n] : w.writes) {
    INFO(key);
    CHECK(n == 1);
  }
}

TEST_CASE("hwmon without /sys/class/hwmon is NotFound", "[agent][hwmon]") {
  const common::FsRoot fs = testing::EmptyRoot();
  SourcePtr source = MakeHwmonSourceWithOps(fs, RealSysfsDirOps()).value();
  testing::SampleRecorder w;
  CHECK(absl::IsNotFound(source->Collect(w)));
  CHECK(w.samples.empty());
}

// tests/fixtures/variants/hwmon_shared/: three mt7996 radios of one ieee80211 phy, two
// asus-nb-wmi hwmons with the same name file, a coretemp with a label that is not UTF-8, and a
// GPU-like chip with freq sensors and neither device link nor name file.
common::FsRoot SharedParentRoot() {
  const std::string dir = testing::FixturePath("variants/hwmon_shared");
  return common::FsRoot(dir + "/proc", dir + "/sys", dir + "/rootfs");
}

// The `chip` label of a series key.
std::string ChipOf(const std::string& key) {
  const size_t at = key.find("chip=\"");
  if (at == std::string::npos) return "";
  const size_t begin = at + 6;
  return key.substr(begin, key.find('"', begin) - begin);
}

TEST_CASE("hwmon chips sharing a parent device get one chip label each, as node_exporter 1.12",
          "[agent][hwmon]") {
  const testing::TestContext ctx("hwmon", SharedParentRoot());
  SourcePtr source = MakeHwmonSource(ctx).value();
  testing::SampleRecorder w = testing::CollectOk(*source);
  const auto& s = w.samples;
  // The radios: the cleaned name file tells them apart.
  CHECK(s.at("node_hwmon_temp_celsius{chip=\"ieee80211_phy0_mt7996_phy0_0\",sensor=\"temp1\"}") ==
        40);
  CHECK(s.at("node_hwmon_temp_celsius{chip=\"ieee80211_phy0_mt7996_phy0_1\",sensor=\"temp1\"}") ==
        41);
  CHECK(s.at("node_hwmon_temp_celsius{chip=\"ieee80211_phy0_mt7996_phy0_2\",sensor=\"temp1\"}") ==
        42);
  CHECK(s.at("node_hwmon_chip_names{chip=\"ieee80211_phy0_mt7996_phy0_1\",chip_name=\"mt7996_"
             "phy0_1\"}") == 1);
  // Same parent and same name file: the hwmonN directory tells them apart.
  CHECK(s.at("node_hwmon_pwm_enable{chip=\"platform_asus_nb_wmi_hwmon3\",sensor=\"pwm1\"}") == 2);
  CHECK(s.at("node_hwmon_pwm_enable{chip=\"platform_asus_nb_wmi_hwmon4\",sensor=\"pwm1\"}") == 3);
  CHECK(s.at("node_hwmon_chip_names{chip=\"platform_asus_nb_wmi_hwmon4\",chip_name=\"asus\"}") ==
        1);
  // A chip alone under its parent keeps the plain name.
  CHECK(s.at("node_hwmon_temp_celsius{chip=\"platform_coretemp_0\",sensor=\"temp1\"}") == 51);
  // Bytes that are not UTF-8 in a label become U+FFFD (one per run), as node_exporter 1.12.
  CHECK(s.at("node_hwmon_sensor_label{chip=\"platform_coretemp_0\",label=\"Core\xEF\xBF\xBD "
             "1\",sensor=\"temp2\"}") == 1);
  // freq sensors: MHz, named by their cleaned label; one without a label is not exported.
  CHECK(s.at("node_hwmon_freq_freq_mhz{chip=\"hwmon6\",sensor=\"sclk\"}") == 214);
  CHECK(s.at("node_hwmon_freq_freq_mhz{chip=\"hwmon6\",sensor=\"m_clk\"}") == 300);
  CHECK(w.Count("node_hwmon_freq_freq_mhz") == 2);
  CHECK(w.help.at("node_hwmon_freq_freq_mhz") == "Hardware monitor for GPU frequency in MHz");
  CHECK(s.at("node_hwmon_freq_max{chip=\"hwmon6\",sensor=\"freq1\"}") == 1e9);
  CHECK(w.help.at("node_hwmon_freq_max") == "Hardware monitor freq element max");
  for (const auto& [key, n] : w.writes) {
    INFO(key);
    CHECK(n == 1);
  }

  // Node Exporter Full's join `node_hwmon_temp_celsius * on(chip) group_left(chip_name)
  // node_hwmon_chip_names` needs at most one chip_names series per chip (more is a
  // many-to-many error that hides every hwmon panel), and every radio must find its own.
  std::map<std::string, int> names_per_chip;
  for (const auto& [key, v] : s) {
    if (key.rfind("node_hwmon_chip_names{", 0) == 0) ++names_per_chip[ChipOf(key)];
  }
  CHECK(names_per_chip.size() == 6);
  for (const auto& [chip, n] : names_per_chip) {
    INFO(chip);
    CHECK(n == 1);
  }
  std::set<std::string> temp_chips;
  for (const auto& [key, v] : s) {
    if (key.rfind("node_hwmon_temp_celsius{", 0) != 0) continue;
    temp_chips.insert(ChipOf(key));
    INFO(key);
    CHECK(names_per_chip.count(ChipOf(key)) == 1);
  }
  CHECK(temp_chips.size() == 4);  // the three radios and the coretemp
}

TEST_CASE("hwmon chip and sensor include/exclude match the final chip label", "[agent][hwmon]") {
  SECTION("chip-include") {
    const testing::TestContext ctx("hwmon", SharedParentRoot(),
                                   {{"chip-include", "mt7996_phy0_[02]|hwmon6"}});
    SourcePtr source = MakeHwmonSource(ctx).value();
    testing::SampleRecorder w = testing::CollectOk(*source);
    std::set<std::string> chips;
    for (const auto& [key, v] : w.samples) chips.insert(ChipOf(key));
    CHECK(chips == std::set<std::string>{"ieee80211_phy0_mt7996_phy0_0",
                                         "ieee80211_phy0_mt7996_phy0_2", "hwmon6"});
  }
  SECTION("chip-exclude") {
    const testing::TestContext ctx("hwmon", SharedParentRoot(), {{"chip-exclude", "^ieee|asus"}});
    SourcePtr source = MakeHwmonSource(ctx).value();
    testing::SampleRecorder w = testing::CollectOk(*source);
    std::set<std::string> chips;
    for (const auto& [key, v] : w.samples) chips.insert(ChipOf(key));
    CHECK(chips == std::set<std::string>{"platform_coretemp_0", "hwmon6"});
  }
  SECTION("sensor-exclude on <chip>;<sensor>") {
    const testing::TestContext ctx("hwmon", SharedParentRoot(),
                                   {{"sensor-exclude", "coretemp_0;temp2$|;freq"}});
    SourcePtr source = MakeHwmonSource(ctx).value();
    testing::SampleRecorder w = testing::CollectOk(*source);
    CHECK(w.Has("node_hwmon_temp_celsius{chip=\"platform_coretemp_0\",sensor=\"temp1\"}"));
    CHECK_FALSE(w.Has("node_hwmon_temp_celsius{chip=\"platform_coretemp_0\",sensor=\"temp2\"}"));
    CHECK(w.Count("node_hwmon_sensor_label") == 1);
    CHECK(w.Count("node_hwmon_freq") == 0);
    // The chip itself stays: its chip_names series is not a sensor.
    CHECK(w.Count("node_hwmon_chip_names") == 6);
  }
  SECTION("sensor-include") {
    const testing::TestContext ctx("hwmon", SharedParentRoot(), {{"sensor-include", ";pwm1$"}});
    SourcePtr source = MakeHwmonSource(ctx).value();
    testing::SampleRecorder w = testing::CollectOk(*source);
    CHECK(w.Count("node_hwmon_pwm_enable") == 2);
    CHECK(w.Count("node_hwmon_temp") == 0);
  }
  SECTION("include and exclude together, and a bad pattern, are rejected") {
    const testing::TestContext both("hwmon", SharedParentRoot(),
                                    {{"chip-include", "a"}, {"chip-exclude", "b"}});
    CHECK(absl::IsInvalidArgument(MakeHwmonSource(both).status()));
    const testing::TestContext bad("hwmon", SharedParentRoot(), {{"sensor-include", "("}});
    const absl::Status status = MakeHwmonSource(bad).status();
    CHECK(absl::IsInvalidArgument(status));
    CHECK(status.message().find("sensor-include") != absl::string_view::npos);
  }
}

TEST_CASE("hwmon reads name and label files at their refresh, finds new chips and sensors at once",
          "[agent][hwmon][static_file]") {
  testing::ScopedTempDir sys;
  sys.Write("class/hwmon/hwmon0/name", "acpitz\n");
  sys.Write("class/hwmon/hwmon0/temp1_input", "27800\n");
  sys.Write("class/hwmon/hwmon0/temp1_label", "Zone 0\n");
  const common::FsRoot fs("/nonexistent", sys.path(), "/nonexistent");
  testing::FakeClock clock;
  SourcePtr source = MakeHwmonSourceWithOps(fs, RealSysfsDirOps(), &clock).value();
  const std::string names = "node_hwmon_chip_names{chip=\"acpitz\",chip_name=\"acpitz\"}";
  const std::string zone0 =
      "node_hwmon_sensor_label{chip=\"acpitz\",label=\"Zone 0\",sensor=\"temp1\"}";
  const std::string temp1 = "node_hwmon_temp_celsius{chip=\"acpitz\",sensor=\"temp1\"}";
  testing::SampleRecorder first = testing::CollectOk(*source);
  CHECK(first.samples.at(names) == 1);
  CHECK(first.samples.at(zone0) == 1);
  CHECK(first.samples.at(temp1) == 27.8);
  CHECK(first.samples.size() == 3);

  // Values every collection; the label (and name) from the cache until the refresh.
  sys.Write("class/hwmon/hwmon0/temp1_input", "30000\n");
  sys.Write("class/hwmon/hwmon0/temp1_label", "Zone A\n");
  clock.Advance(kHwmonRefresh - absl::Seconds(1));
  testing::SampleRecorder before = testing::CollectOk(*source);
  CHECK(before.samples.at(temp1) == 30);
  CHECK(before.samples.at(zone0) == 1);

  // A sensor and a chip that appear are found at the next collection, labels included.
  sys.Write("class/hwmon/hwmon0/temp2_input", "31000\n");
  sys.Write("class/hwmon/hwmon0/temp2_label", "Zone 1\n");
  sys.Write("class/hwmon/hwmon1/name", "nvme\n");
  sys.Write("class/hwmon/hwmon1/temp1_input", "40000\n");
  sys.Write("class/hwmon/hwmon1/temp1_label", "Composite\n");
  testing::SampleRecorder added = testing::CollectOk(*source);
  CHECK(added.samples.at(zone0) == 1);
  CHECK(added.samples.at(
            "node_hwmon_sensor_label{chip=\"acpitz\",label=\"Zone 1\",sensor=\"temp2\"}") == 1);
  CHECK(added.samples.at("node_hwmon_chip_names{chip=\"nvme\",chip_name=\"nvme\"}") == 1);
  CHECK(added.samples.at(
            "node_hwmon_sensor_label{chip=\"nvme\",label=\"Composite\",sensor=\"temp1\"}") == 1);
  CHECK(added.samples.at("node_hwmon_temp_celsius{chip=\"nvme\",sensor=\"temp1\"}") == 40);
  CHECK(added.samples.size() == 3 + 2 + 3);

  clock.Advance(absl::Seconds(1));  // hwmon0's refresh is due
  testing::SampleRecorder after = testing::CollectOk(*source);
  CHECK(after.samples.count(zone0) == 0);
  CHECK(after.samples.at(
            "node_hwmon_sensor_label{chip=\"acpitz\",label=\"Zone A\",sensor=\"temp1\"}") == 1);

  // A chip that is gone is gone from the next collection.
  std::filesystem::remove_all(sys.File("class/hwmon/hwmon1"));
  testing::SampleRecorder removed = testing::CollectOk(*source);
  CHECK(removed.samples.size() == 5);
  CHECK(removed.Count("node_hwmon_chip_names{chip=\"nvme\"") == 0);

  // hwmonN reused for another device (a driver reloaded): its name is read at once.
  std::filesystem::create_directories(sys.File("devices/platform/nct6775.656"));
  std::filesystem::create_directories(sys.File("devices/platform/it87.552"));
  sys.Write("class/hwmon/hwmon1/name", "nct6779\n");
  sys.Write("class/hwmon/hwmon1/fan1_input", "1200\n");
  std::filesystem::create_directory_symlink(sys.File("devices/platform/nct6775.656"),
                                            sys.File("class/hwmon/hwmon1/device"));
  CHECK(testing::CollectOk(*source).samples.at(
            "node_hwmon_chip_names{chip=\"platform_nct6775_656\",chip_name=\"nct6779\"}") == 1);
  sys.Write("class/hwmon/hwmon1/name", "it8728\n");
  std::filesystem::remove(sys.File("class/hwmon/hwmon1/device"));
  std::filesystem::create_directory_symlink(sys.File("devices/platform/it87.552"),
                                            sys.File("class/hwmon/hwmon1/device"));
  CHECK(testing::CollectOk(*source).samples.at(
            "node_hwmon_chip_names{chip=\"platform_it87_552\",chip_name=\"it8728\"}") == 1);
}

}  // namespace
}  // namespace hostmon::agent
