// SPDX-License-Identifier: Apache-2.0
//
// libFuzzer target for IPMI sensor decoding (agent/sources/ipmi/ipmi_sensors.h,
// ipmi_bmc_metrics.h): what libipmimonitoring and the raw commands return is the BMC's data, with
// names of any bytes (padding, garbage, invalid UTF-8), any record IDs (duplicates), codes and
// readings (NaN, infinities). The input is decoded into sensor readings and command results, which
// are converted to samples the way the source does; every label is read back.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "agent/sources/ipmi/ipmi_bmc_metrics.h"
#include "agent/sources/ipmi/ipmi_sensors.h"
#include "tests/fuzz/fuzz_common.h"

namespace hostmon::agent::ipmi {
namespace {

// Reads back every sample, as the agent's batch writer copies names and labels.
class TouchingWriter : public SampleWriter {
 public:
  void Add(const MetricDesc& desc, LabelSpan labels, double) override {
    fuzz::Touch(desc.name);
    for (const LabelRef& l : labels) {
      fuzz::Touch(l.name);
      fuzz::Touch(l.value);
    }
  }
};

}  // namespace
}  // namespace hostmon::agent::ipmi

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // A few readings as the byte layout below decodes them: record id, type, state, units, name.
  std::string seed;
  for (int i = 0; i < 4; ++i) {
    seed += std::string("\x01\x00", 2) + static_cast<char>(i) + "\x01\x00\x01" + "CPU Temp\n";
  }
  hostmon::fuzz::Initialize({{"", {}, false, {seed}}});
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hostmon::agent::ipmi;
  FuzzedDataProvider in(data, size);
  std::vector<SensorReading> readings;
  std::vector<int64_t> exclude;
  while (in.remaining_bytes() > 0 && readings.size() < 256) {
    SensorReading r;
    r.record_id = in.ConsumeIntegralInRange<int64_t>(-1, 1024);
    r.sensor_type = in.ConsumeBool() ? kSensorTypeUnknown : in.ConsumeIntegral<uint8_t>();
    r.state = in.ConsumeIntegralInRange<int>(-1, 4);
    r.units = in.ConsumeBool() ? kUnitsUnknown : in.ConsumeIntegralInRange<int>(0, 8);
    r.value = in.ConsumeBool() ? in.ConsumeFloatingPoint<double>() : r.value;
    r.name = in.ConsumeRandomLengthString(64);
    if (in.ConsumeBool()) exclude.push_back(r.record_id);
    readings.push_back(std::move(r));
  }
  hostmon::agent::ipmi::TouchingWriter out;
  const hostmon::agent::LabelRef extra[] = {{"target", "bmc"}};
  WriteSensorMetrics(readings, extra, exclude, out);
  for (const SensorReading& r : readings) {
    hostmon::fuzz::Touch(SensorTypeName(r.sensor_type));
    hostmon::fuzz::Touch(CleanSensorName(r.name));
    (void)StateValue(r.state);
  }
  // The raw command results: Get Device ID's revision bytes and manufacturer, chassis, SEL, DCMI.
  FuzzedDataProvider raw(data, size);
  BmcInfo bmc;
  bmc.firmware_revision =
      FormatFirmwareRevision(raw.ConsumeIntegral<uint8_t>(), raw.ConsumeIntegral<uint8_t>());
  bmc.manufacturer_id =
      FormatManufacturerId(raw.ConsumeIntegral<uint32_t>(), raw.ConsumeRandomLengthString(32));
  bmc.system_firmware_version = raw.ConsumeRandomLengthString(32);
  WriteBmcMetrics(bmc, extra, out);
  ChassisStatus chassis{raw.ConsumeBool(), raw.ConsumeBool(), raw.ConsumeBool()};
  WriteChassisMetrics(chassis, extra, out);
  SelInfo sel{raw.ConsumeIntegral<int>(), raw.ConsumeIntegral<int>()};
  WriteSelMetrics(sel, extra, out);
  DcmiPower dcmi{raw.ConsumeBool(), raw.ConsumeFloatingPoint<double>()};
  WriteDcmiMetrics(dcmi, extra, out);
  return 0;
}
