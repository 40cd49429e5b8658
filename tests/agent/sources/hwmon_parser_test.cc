// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/hwmon/hwmon_parser.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "fakes/fixtures.h"

namespace hostmon::agent {
namespace {

using testing::ReadFixture;

std::string Explode(absl::string_view file) {
  absl::string_view type, prop;
  int num = -1;
  if (!ExplodeSensorFilename(file, &type, &num, &prop)) return "no match";
  return std::string(type) + "|" + std::to_string(num) + "|" + std::string(prop);
}

struct Metric {
  std::string name, help;
  double scale, divisor;
  MetricType type;
};
Metric For(absl::string_view type, absl::string_view element, bool has_bare = false) {
  Metric m;
  HwmonMetricFor(type, element, has_bare, &m.name, &m.help, &m.scale, &m.divisor, &m.type);
  return m;
}

TEST_CASE("hwmon values from the fixture's coretemp and nct6779 chips", "[agent][hwmon]") {
  double v = 0;
  REQUIRE(ParseHwmonValue(ReadFixture("sys/class/hwmon/hwmon1/temp1_input"), &v));
  CHECK(v == 45000);
  REQUIRE(ParseHwmonValue(ReadFixture("sys/class/hwmon/hwmon2/fan1_input"), &v));
  CHECK(v == 1235);
  REQUIRE(ParseHwmonValue(ReadFixture("sys/class/hwmon/hwmon2/vrm"), &v));
  CHECK(v == 12.5);
  REQUIRE(ParseHwmonValue(ReadFixture("sys/class/hwmon/hwmon3/device/energy1_input"), &v));
  CHECK(v == 123456789000.0);
  // The fixture's deliberately broken attribute.
  CHECK_FALSE(ParseHwmonValue(ReadFixture("sys/class/hwmon/hwmon2/temp2_input"), &v));
}

TEST_CASE("hwmon values: truncated, missing and bad numbers", "[agent][hwmon]") {
  double v = 0;
  SECTION("cut file: only the newline is missing") {
    REQUIRE(ParseHwmonValue("45000", &v));
    CHECK(v == 45000);
  }
  SECTION("cut file: nothing read") {
    CHECK_FALSE(ParseHwmonValue("", &v));
    CHECK_FALSE(ParseHwmonValue("\n", &v));
  }
  SECTION("non-numeric and trailing junk") {
    CHECK_FALSE(ParseHwmonValue("abc\n", &v));
    CHECK_FALSE(ParseHwmonValue("45000 C\n", &v));
    CHECK_FALSE(ParseHwmonValue("12abc\n", &v));
    CHECK_FALSE(ParseHwmonValue("1.2.3\n", &v));
  }
  SECTION("overflow: out of range, as Go's ParseFloat") {
    CHECK_FALSE(ParseHwmonValue("1e999\n", &v));
    CHECK_FALSE(ParseHwmonValue("-1e999\n", &v));
  }
  SECTION("negative values and Go's special values are valid") {
    REQUIRE(ParseHwmonValue("-5000\n", &v));
    CHECK(v == -5000);
    REQUIRE(ParseHwmonValue("+Inf\n", &v));
    CHECK(v == HUGE_VAL);
  }
}

TEST_CASE("ExplodeSensorFilename follows node_exporter's regexp", "[agent][hwmon]") {
  CHECK(Explode("temp1_input") == "temp|1|input");
  CHECK(Explode("temp1_crit_alarm") == "temp|1|crit_alarm");
  CHECK(Explode("pwm1") == "pwm|1|");
  CHECK(Explode("beep_enable") == "beep_enable|0|");
  CHECK(Explode("update_interval") == "update_interval|0|");
  CHECK(Explode("temp01_input") == "temp|1|input");
  CHECK(Explode("in0_input") == "in|0|input");
  CHECK(Explode("temp1a") == "no match");
  CHECK(Explode("temp1_") == "no match");
  CHECK(Explode("1temp") == "no match");
  CHECK(Explode("temp99999999999_input") == "no match");  // Atoi overflow
  CHECK(IsHwmonSensorType("intrusion"));
  CHECK_FALSE(IsHwmonSensorType("name"));
  CHECK_FALSE(IsHwmonSensorType("uevent"));
}

TEST_CASE("Chip names from device paths and name files", "[agent][hwmon]") {
  std::string chip;
  REQUIRE(HwmonChipFromDevicePath("/sys/devices/platform/coretemp.0", &chip));
  CHECK(chip == "platform_coretemp_0");
  REQUIRE(HwmonChipFromDevicePath("/sys/devices/LNXSYSTM:00/device:00/ACPI000D:00", &chip));
  CHECK(chip == "device:00_acpi000d:00");
  REQUIRE(HwmonChipFromDevicePath("/sys/devices/pci0000:00/0000:00:01.3/0000:03:00.0", &chip));
  CHECK(chip == "0000:00:01_3_0000:03:00_0");
  REQUIRE(HwmonChipFromDevicePath("nvme0", &chip));
  CHECK(chip == "nvme0");
  CHECK_FALSE(HwmonChipFromDevicePath("/sys/devices/___", &chip));
  CleanHwmonName("ina3221 \n", &chip);
  CHECK(chip == "ina3221");
  CleanHwmonName("  Fancy-Chip.1  ", &chip);
  CHECK(chip == "fancy_chip_1");
}

TEST_CASE("HwmonMetricFor names, units and help as node_exporter 1.5.0", "[agent][hwmon]") {
  Metric m = For("temp", "input");
  CHECK(m.name == "node_hwmon_temp_celsius");
  CHECK(m.help == "Hardware monitor for temperature (input)");
  CHECK(m.scale == 0.001);
  m = For("temp", "crit_alarm");
  CHECK(m.name == "node_hwmon_temp_crit_alarm_celsius");
  CHECK(For("temp", "").name == "node_hwmon_temp_celsius");
  CHECK(For("temp", "").help == "Hardware monitor for temperature (input)");
  CHECK(For("temp", "type").name == "node_hwmon_temp_type");
  CHECK(For("temp", "type").help == "Hardware monitor temp element type");
  CHECK(For("fan", "input").name == "node_hwmon_fan_rpm");
  CHECK(For("fan", "min").name == "node_hwmon_fan_min_rpm");
  CHECK(For("fan", "pulses").name == "node_hwmon_fan_pulses");
  CHECK(For("fan", "alarm").name == "node_hwmon_fan_alarm");
  CHECK(For("fan", "alarm").help == "Hardware sensor alarm status (fan)");
  CHECK(For("fan", "beep").name == "node_hwmon_fan_beep_enabled");
  CHECK(For("in", "input").name == "node_hwmon_in_volts");
  CHECK(For("in", "input", true).name == "node_hwmon_in_input_volts");
  CHECK(For("in", "").help == "Hardware monitor for voltage ()");
  CHECK(For("curr", "input").name == "node_hwmon_curr_amps");
  m = For("power", "average");
  CHECK(m.name == "node_hwmon_power_average_watt");
  CHECK(m.divisor == 1e6);
  CHECK(For("power", "average_interval").name == "node_hwmon_power_average_interval_seconds");
  CHECK(For("power", "accuracy").name == "node_hwmon_power_accuracy");
  m = For("energy", "input");
  CHECK(m.name == "node_hwmon_energy_joule_total");
  CHECK(m.type == kCounter);
  CHECK(For("humidity", "input").name == "node_hwmon_humidity");
  CHECK(For("pwm", "").name == "node_hwmon_pwm");
  CHECK(For("pwm", "").help == "Hardware monitor pwm element ");
  CHECK(For("pwm", "Auto-Point1").name == "node_hwmon_pwm_auto_point1");
}

std::vector<std::string> Labels(std::vector<HwmonChip> chips) {
  AssignHwmonChipLabels(chips.data(), chips.size());
  std::vector<std::string> out;
  for (const HwmonChip& c : chips) out.push_back(c.label);
  return out;
}

TEST_CASE("AssignHwmonChipLabels tells chips of one parent device apart", "[agent][hwmon]") {
  SECTION("unique bases stay as they are") {
    CHECK(Labels({{"/s/hwmon0", "platform_coretemp_0", "coretemp", ""},
                  {"/s/hwmon1", "platform_coretemp_1", "coretemp", ""},
                  {"/s/hwmon2", "hwmon2", "", ""}}) ==
          std::vector<std::string>{"platform_coretemp_0", "platform_coretemp_1", "hwmon2"});
  }
  SECTION("shared base, distinct name files: the cleaned name file") {
    CHECK(Labels({{"/s/hwmon8", "ieee80211_phy0", "mt7996_phy0.0", ""},
                  {"/s/hwmon9", "ieee80211_phy0", "mt7996_phy0.1", ""},
                  {"/s/hwmon10", "ieee80211_phy0", "mt7996_phy0.2", ""},
                  {"/s/hwmon3", "nct6779", "nct6779", ""}}) ==
          std::vector<std::string>{"ieee80211_phy0_mt7996_phy0_0", "ieee80211_phy0_mt7996_phy0_1",
                                   "ieee80211_phy0_mt7996_phy0_2", "nct6779"});
  }
  SECTION("shared base and name file, or no name file: the hwmonN directory") {
    CHECK(Labels({{"/s/hwmon6", "platform_asus_nb_wmi", "asus", ""},
                  {"/s/hwmon7", "platform_asus_nb_wmi", "asus", ""},
                  {"/s/hwmon8", "platform_asus_nb_wmi", "asus_wmi_sensors", ""},
                  {"/s/hwmon9", "platform_asus_nb_wmi", "", ""},
                  {"/s/hwmon10", "platform_asus_nb_wmi", "--", ""}}) ==
          std::vector<std::string>{"platform_asus_nb_wmi_hwmon6", "platform_asus_nb_wmi_hwmon7",
                                   "platform_asus_nb_wmi_asus_wmi_sensors",
                                   "platform_asus_nb_wmi_hwmon9", "platform_asus_nb_wmi_hwmon10"});
  }
  SECTION("name files that clean alike count as the same name") {
    CHECK(Labels({{"/s/hwmon1", "x", "a b", ""}, {"/s/hwmon2", "x", "A_B", ""}}) ==
          std::vector<std::string>{"x_hwmon1", "x_hwmon2"});
  }
  SECTION("labels are overwritten, not appended to, on the next collection") {
    std::vector<HwmonChip> chips = {{"/s/hwmon1", "x", "a", "stale"}, {"/s/hwmon2", "x", "b", ""}};
    AssignHwmonChipLabels(chips.data(), chips.size());
    AssignHwmonChipLabels(chips.data(), chips.size());
    CHECK(chips[0].label == "x_a");
    CHECK(chips[1].label == "x_b");
  }
  SECTION("no chips") { CHECK(Labels({}).empty()); }
}

TEST_CASE("hwmon freq sensors: MHz from Hz", "[agent][hwmon]") {
  CHECK(IsHwmonSensorType("freq"));
  const Metric m = For("freq", "input");
  CHECK(m.name == "node_hwmon_freq_freq_mhz");
  CHECK(m.help == "Hardware monitor for GPU frequency in MHz");
  CHECK(m.divisor == 1e6);
  CHECK(For("freq", "max").name == "node_hwmon_freq_max");
}

}  // namespace
}  // namespace hostmon::agent
