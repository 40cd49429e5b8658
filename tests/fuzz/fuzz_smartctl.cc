// SPDX-License-Identifier: Apache-2.0
//
// libFuzzer target for the SMART source's parsers (agent/sources/smart/smart_parser.h): the
// output of `smartctl --json` (a device's firmware fills most of it), of `smartctl --scan-open
// --json`, and the --source.smart.devices list. The first byte picks the parser.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "agent/sources/smart/smart_parser.h"
#include "tests/fuzz/fuzz_common.h"

namespace hostmon::agent::smart {
namespace {

using fuzz::SeedSpec;

struct Entry {
  const char* name;
  SeedSpec seeds;
  std::function<void(absl::string_view)> parse;
};

const std::vector<Entry>& Table() {
  static const auto* table = new std::vector<Entry>{
      {"smartctl_json",
       {"",
        {"tests/fixtures/smart/devices/*.json", "tests/fixtures/smart/scrutiny/*.json",
         "tests/fixtures/smart/smartctl_exporter/*.json"}},
       [](absl::string_view in) {
         auto r = ParseSmartctlJson(in);
         if (r.ok()) (void)DescribeExitStatus(r->exit_status);
       }},
      {"scan_json",
       {"", {"tests/fixtures/smart/devices/scan.json"}},
       [](absl::string_view in) {
         auto r = ParseScanJson(in);
         if (!r.ok()) return;
         for (const SmartDeviceSpec& d : *r) (void)DeviceLabel(d.path, d.type);
       }},
      {"device_list",
       {"", {}, false, {"/dev/sda; /dev/bus/0:megaraid,0", "/dev/nvme0 /dev/sdb:sat"}},
       [](absl::string_view in) {
         auto r = ParseDeviceList(in);
         if (!r.ok()) return;
         for (const SmartDeviceSpec& d : *r) (void)DeviceLabel(d.path, d.type);
       }},
  };
  return *table;
}

}  // namespace
}  // namespace hostmon::agent::smart

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  hostmon::fuzz::Initialize(hostmon::fuzz::TableSeeds(hostmon::agent::smart::Table()));
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto* e = hostmon::fuzz::PickEntry(hostmon::agent::smart::Table(), data, size);
  if (e != nullptr) e->parse(absl::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
