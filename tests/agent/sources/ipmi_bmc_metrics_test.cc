// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/ipmi/ipmi_bmc_metrics.h"

#include <catch2/catch.hpp>

#include "fakes/hw_capture_writer.h"

namespace hostmon::agent::ipmi {
namespace {

TEST_CASE("WriteChassisMetrics uses ipmi_exporter's encodings", "[agent][ipmi]") {
  const LabelRef labels[] = {{"target", "b"}};
  testing::CaptureWriter ok;
  WriteChassisMetrics({true, false, false}, labels, ok);
  CHECK(ok.samples.at(R"(ipmi_chassis_power_state{target="b"})") == 1);
  // Inverted, as ipmi_exporter: 1 = no fault.
  CHECK(ok.samples.at(R"(ipmi_chassis_drive_fault_state{target="b"})") == 1);
  CHECK(ok.samples.at(R"(ipmi_chassis_cooling_fault_state{target="b"})") == 1);
  CHECK(ok.help.at("ipmi_chassis_drive_fault_state") ==
        "Current drive fault state (1=false, 0=true).");
  testing::CaptureWriter bad;
  WriteChassisMetrics({false, true, true}, labels, bad);
  CHECK(bad.samples.at(R"(ipmi_chassis_power_state{target="b"})") == 0);
  CHECK(bad.samples.at(R"(ipmi_chassis_drive_fault_state{target="b"})") == 0);
  CHECK(bad.samples.at(R"(ipmi_chassis_cooling_fault_state{target="b"})") == 0);
}

TEST_CASE("WriteSelMetrics and WriteDcmiMetrics", "[agent][ipmi]") {
  testing::CaptureWriter out;
  WriteSelMetrics({7, 15984}, {}, out);
  CHECK(out.samples.at("ipmi_sel_logs_count") == 7);
  CHECK(out.samples.at("ipmi_sel_free_space_bytes") == 15984);
  // As ipmi_exporter: no measurement, no sample (not a 0 W reading).
  WriteDcmiMetrics({false, 0}, {}, out);
  CHECK(out.samples.count("ipmi_dcmi_power_consumption_watts") == 0);
  WriteDcmiMetrics({true, 312}, {}, out);
  CHECK(out.samples.at("ipmi_dcmi_power_consumption_watts") == 312);
}

}  // namespace
}  // namespace hostmon::agent::ipmi
