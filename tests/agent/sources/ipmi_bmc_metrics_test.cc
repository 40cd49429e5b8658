// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/ipmi/ipmi_bmc_metrics.h"

#include <catch2/catch.hpp>

#include "fakes/sample_recorder.h"

namespace hostmon::agent::ipmi {
namespace {

TEST_CASE("WriteChassisMetrics uses ipmi_exporter's encodings", "[agent][ipmi]") {
  const LabelRef labels[] = {{"target", "b"}};
  testing::SampleRecorder ok;
  WriteChassisMetrics({true, false, false}, labels, ok);
  CHECK(ok.samples.at(R"(ipmi_chassis_power_state{target="b"})") == 1);
  // Inverted, as ipmi_exporter: 1 = no fault.
  CHECK(ok.samples.at(R"(ipmi_chassis_drive_fault_state{target="b"})") == 1);
  CHECK(ok.samples.at(R"(ipmi_chassis_cooling_fault_state{target="b"})") == 1);
  CHECK(ok.help.at("ipmi_chassis_drive_fault_state") ==
        "Current drive fault state (1=false, 0=true).");
  testing::SampleRecorder bad;
  WriteChassisMetrics({false, true, true}, labels, bad);
  CHECK(bad.samples.at(R"(ipmi_chassis_power_state{target="b"})") == 0);
  CHECK(bad.samples.at(R"(ipmi_chassis_drive_fault_state{target="b"})") == 0);
  CHECK(bad.samples.at(R"(ipmi_chassis_cooling_fault_state{target="b"})") == 0);
}

TEST_CASE("WriteSelMetrics and WriteDcmiMetrics", "[agent][ipmi]") {
  testing::SampleRecorder out;
  WriteSelMetrics({7, 15984}, {}, out);
  CHECK(out.samples.at("ipmi_sel_logs_count") == 7);
  CHECK(out.samples.at("ipmi_sel_free_space_bytes") == 15984);
  // As ipmi_exporter: no measurement, no sample (not a 0 W reading).
  WriteDcmiMetrics({false, 0}, {}, out);
  CHECK(out.samples.count("ipmi_dcmi_power_consumption_watts") == 0);
  WriteDcmiMetrics({true, 312}, {}, out);
  CHECK(out.samples.at("ipmi_dcmi_power_consumption_watts") == 312);
}

TEST_CASE("ipmi_bmc_info labels as bmc-info prints them and ipmi_exporter parses them",
          "[agent][ipmi]") {
  CHECK(FormatFirmwareRevision(1, 0x02) == "1.02");
  CHECK(FormatFirmwareRevision(3, 0x45) == "3.45");
  // A non-BCD minor revision prints as hex; ipmi_exporter's [0-9.]* stops at the letter.
  CHECK(FormatFirmwareRevision(2, 0x1a) == "2.1");
  CHECK(FormatManufacturerId(4753, "MontaVista Software, Inc.") ==
        "MontaVista Software, Inc. (4753)");
  CHECK(FormatManufacturerId(99999, "") == "99999");
  testing::SampleRecorder out;
  const LabelRef labels[] = {{"target", "b"}};
  WriteBmcMetrics({"1.02", "X (1)", "N/A"}, labels, out);
  CHECK(
      out.samples.at(
          R"x(ipmi_bmc_info{firmware_revision="1.02",manufacturer_id="X (1)",system_firmware_version="N/A",target="b"})x") ==
      1);
}

}  // namespace
}  // namespace hostmon::agent::ipmi
