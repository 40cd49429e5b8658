// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/ipmi/ipmi_sensors.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "fakes/sample_recorder.h"

namespace hostmon::agent::ipmi {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

SensorReading R(int64_t id, std::string name, int type, int state, int units, double value) {
  SensorReading r;
  r.record_id = id;
  r.name = std::move(name);
  r.sensor_type = type;
  r.state = state;
  r.units = units;
  r.value = value;
  return r;
}

// What libipmimonitoring returns for tests/fixtures/ipmi (hostmon-testbmc.sdrs) right after the
// simulator starts, record 1 being the BMC's device locator.
std::vector<SensorReading> SimReadings() {
  return {
      R(1, "", kSensorTypeUnknown, kStateUnknown, kUnitsUnknown, kNaN),
      R(2, "CPU Temp", 0x01, kStateNominal, kUnitsCelsius, 45),
      R(3, "Inlet Temp", 0x01, kStateCritical, kUnitsCelsius, 42),
      R(4, "FAN1", 0x04, kStateNominal, kUnitsRpm, 5400),
      R(5, "FAN2", 0x04, kStateNominal, kUnitsRpm, 4800),
      R(6, "12V", 0x02, kStateNominal, kUnitsVolts, 12),
      R(7, "Pwr Consumption", 0x03, kStateNominal, kUnitsWatts, 280),
      R(8, "PSU1 Status", 0x08, kStateNominal, kUnitsNone, kNaN),
      R(9, "PSU2 Status", 0x08, kStateCritical, kUnitsNone, kNaN),
  };
}

TEST_CASE("WriteSensorMetrics maps the simulator's sensors to ipmi_exporter's families",
          "[agent][ipmi]") {
  testing::SampleRecorder out;
  const LabelRef extra[] = {{"target", "bmc1"}};
  const SensorWriteStats stats = WriteSensorMetrics(SimReadings(), extra, {}, out);
  CHECK(stats.written == 8);
  CHECK(stats.not_sensors == 1);
  CHECK(out.samples.size() == 16);
  CHECK(out.samples.at(R"(ipmi_temperature_celsius{id="2",name="CPU Temp",target="bmc1"})") == 45);
  CHECK(out.samples.at(R"(ipmi_temperature_state{id="2",name="CPU Temp",target="bmc1"})") == 0);
  CHECK(out.samples.at(R"(ipmi_temperature_state{id="3",name="Inlet Temp",target="bmc1"})") == 2);
  CHECK(out.samples.at(R"(ipmi_fan_speed_rpm{id="4",name="FAN1",target="bmc1"})") == 5400);
  CHECK(out.samples.at(R"(ipmi_fan_speed_state{id="5",name="FAN2",target="bmc1"})") == 0);
  CHECK(out.samples.at(R"(ipmi_voltage_volts{id="6",name="12V",target="bmc1"})") == 12);
  CHECK(out.samples.at(R"(ipmi_voltage_state{id="6",name="12V",target="bmc1"})") == 0);
  // ipmi_exporter picks the family by units, not by sensor type: a "Current" sensor in Watts.
  CHECK(out.samples.at(R"(ipmi_power_watts{id="7",name="Pwr Consumption",target="bmc1"})") == 280);
  CHECK(out.samples.at(R"(ipmi_power_state{id="7",name="Pwr Consumption",target="bmc1"})") == 0);
  CHECK(std::isnan(out.samples.at(
      R"(ipmi_sensor_value{id="8",name="PSU1 Status",type="Power Supply",target="bmc1"})")));
  CHECK(out.samples.at(
            R"(ipmi_sensor_state{id="9",name="PSU2 Status",type="Power Supply",target="bmc1"})") ==
        2);
  for (const auto& [key, n] : out.writes) CHECK(n == 1);
  CHECK(out.types.at("ipmi_temperature_celsius") == kGauge);
  CHECK(out.help.at("ipmi_sensor_state") ==
        "Indicates the severity of the state reported by an IPMI sensor (0=nominal, 1=warning, "
        "2=critical).");
}

TEST_CASE("WriteSensorMetrics: NaN readings and unknown states stay NaN, as ipmi_exporter's N/A",
          "[agent][ipmi]") {
  testing::SampleRecorder out;
  const std::vector<SensorReading> in = {
      R(10, "CPU Temp", 0x01, kStateUnknown, kUnitsCelsius, kNaN),
      R(11, "Odd", 0x01, 7, kUnitsCelsius, 30),  // a state code the library does not define
      R(12, "Warm", 0x01, kStateWarning, kUnitsCelsius, 70),
  };
  WriteSensorMetrics(in, {}, {}, out);
  CHECK(std::isnan(out.samples.at(R"(ipmi_temperature_celsius{id="10",name="CPU Temp"})")));
  CHECK(std::isnan(out.samples.at(R"(ipmi_temperature_state{id="10",name="CPU Temp"})")));
  CHECK(out.samples.at(R"(ipmi_temperature_celsius{id="11",name="Odd"})") == 30);
  CHECK(std::isnan(out.samples.at(R"(ipmi_temperature_state{id="11",name="Odd"})")));
  CHECK(out.samples.at(R"(ipmi_temperature_state{id="12",name="Warm"})") == 1);
}

TEST_CASE("WriteSensorMetrics: units without a family go to ipmi_sensor_value with the type",
          "[agent][ipmi]") {
  testing::SampleRecorder out;
  const std::vector<SensorReading> in = {
      R(1, "Amb F", 0x01, kStateNominal, kUnitsFahrenheit, 80),  // ipmi_exporter: only "C"
      R(2, "Mystery", 0x0B, kStateNominal, kUnitsUnknown, 3),
      R(3, "Weird units", 0x02, kStateNominal, 0x42, 1.5),  // code the library never defined
      R(4, "Fan duty", 0x04, kStateNominal, kUnitsPercent, 55),
      R(5, "CPU util", 0x07, kStateNominal, kUnitsPercent, 20),
      R(6, "OEM thing", 0xC3, kStateNominal, kUnitsNone, kNaN),
      R(7, "Amps", 0x03, kStateWarning, kUnitsAmps, 4.5),
  };
  WriteSensorMetrics(in, {}, {}, out);
  CHECK(out.samples.at(R"(ipmi_sensor_value{id="1",name="Amb F",type="Temperature"})") == 80);
  CHECK(out.samples.at(
            R"(ipmi_sensor_value{id="2",name="Mystery",type="Other Units Based Sensor"})") == 3);
  CHECK(out.samples.at(R"(ipmi_sensor_value{id="3",name="Weird units",type="Voltage"})") == 1.5);
  // A fan in percent is a ratio (ipmi_exporter scales by 0.01); any other percentage is generic.
  CHECK(out.samples.at(R"(ipmi_fan_speed_ratio{id="4",name="Fan duty"})") == Approx(0.55));
  CHECK(out.samples.at(R"(ipmi_fan_speed_state{id="4",name="Fan duty"})") == 0);
  CHECK(out.samples.at(R"(ipmi_sensor_value{id="5",name="CPU util",type="Processor"})") == 20);
  CHECK(out.samples.count(R"(ipmi_sensor_state{id="6",name="OEM thing",type="OEM Reserved"})") ==
        1);
  CHECK(out.samples.at(R"(ipmi_current_amperes{id="7",name="Amps"})") == 4.5);
  CHECK(out.samples.at(R"(ipmi_current_state{id="7",name="Amps"})") == 1);
}

TEST_CASE("WriteSensorMetrics keys sensors by record ID: shared names kept, repeated IDs dropped",
          "[agent][ipmi]") {
  testing::SampleRecorder out;
  const std::vector<SensorReading> in = {
      R(20, "Temp", 0x01, kStateNominal, kUnitsCelsius, 30),
      R(21, "Temp", 0x01, kStateNominal, kUnitsCelsius, 31),
      R(21, "Temp again", 0x01, kStateNominal, kUnitsCelsius, 99),
      R(22, "Excluded", 0x01, kStateNominal, kUnitsCelsius, 1),
  };
  const SensorWriteStats stats = WriteSensorMetrics(in, {}, {22}, out);
  CHECK(stats.written == 2);
  CHECK(stats.duplicate_ids == 1);
  // The repeat is reported (counted and logged by the source), the first reading kept.
  CHECK(stats.collisions ==
        std::vector<std::string>{"record ID 21 repeated by sensor \"Temp again\", skipped"});
  CHECK(stats.excluded == 1);
  CHECK(out.samples.at(R"(ipmi_temperature_celsius{id="20",name="Temp"})") == 30);
  CHECK(out.samples.at(R"(ipmi_temperature_celsius{id="21",name="Temp"})") == 31);
  CHECK(out.samples.size() == 4);
}

TEST_CASE("CleanSensorName makes garbage SDR names safe label values", "[agent][ipmi]") {
  CHECK(CleanSensorName("CPU Temp") == "CPU Temp");
  CHECK(CleanSensorName(std::string("  FAN1\0\0\0", 9)) == "FAN1");
  CHECK(CleanSensorName("P1\x01\x1f"
                        "DIMM") == "P1??DIMM");
  CHECK(CleanSensorName("\xff\xfe"
                        "abc") == "??abc");  // not UTF-8
  CHECK(CleanSensorName("Temp \xc2\xb0"
                        "C") ==
        "Temp \xc2\xb0"
        "C");  // valid UTF-8 kept
  CHECK(CleanSensorName("") == "");
  testing::SampleRecorder out;
  const std::vector<SensorReading> in = {
      R(1, std::string("Bad\xff\0", 5), 0x01, kStateNominal, kUnitsCelsius, 1)};
  WriteSensorMetrics(in, {}, {}, out);
  CHECK(out.samples.count(R"(ipmi_temperature_celsius{id="1",name="Bad?"})") == 1);
}

TEST_CASE("SensorTypeName uses FreeIPMI's names", "[agent][ipmi]") {
  CHECK(SensorTypeName(0x01) == "Temperature");
  CHECK(SensorTypeName(0x08) == "Power Supply");
  CHECK(SensorTypeName(0x2C) == "FRU State");
  CHECK(SensorTypeName(0x2D) == "Unknown");
  CHECK(SensorTypeName(0xC0) == "OEM Reserved");
  CHECK(SensorTypeName(-1) == "Unknown");
  CHECK(SensorTypeName(kSensorTypeUnknown) == "Unknown");
  CHECK(StateValue(kStateCritical) == 2);
  CHECK(std::isnan(StateValue(kStateUnknown)));
}

}  // namespace
}  // namespace hostmon::agent::ipmi
