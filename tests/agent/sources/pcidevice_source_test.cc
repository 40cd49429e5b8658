// SPDX-License-Identifier: Apache-2.0
//
// The pcidevice source over node_exporter's three fixture devices (tests/fixtures/sys/bus/pci:
// a root port under a host bridge, an NVMe drive with SR-IOV behind it, a NIC on
// another bridge), the attribute parsers, and a device that cannot be read.
#include "agent/sources/pcidevice/pcidevice_source.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "agent/sources/pcidevice/pci_ids.h"
#include "agent/sources/pcidevice/pcidevice_parser.h"
#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/source_context.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

TEST_CASE("PCI attribute parsers read values as node_exporter's procfs", "[agent][pcidevice]") {
  PciLocation loc;
  REQUIRE(ParsePciLocation("0000:0a:1F.7", &loc).ok());
  PciLocationLabels labels;
  FormatPciLocation(loc, &labels);
  CHECK(labels.segment == "0000");
  CHECK(labels.bus == "0a");
  CHECK(labels.device == "1f");
  CHECK(labels.function == "7");
  for (const char* bad : {"0000:00:02", "0000:00.02.1", "0000:00:02.1.2", "0000:0g:02.1",
                          "pci0000:00", "0000::02.1", ""}) {
    INFO(bad);
    CHECK_FALSE(ParsePciLocation(bad, &loc).ok());
  }

  uint32_t id = 0;
  REQUIRE(ParsePciId("0x060400\n", "class", &id).ok());
  CHECK(id == 0x060400);
  CHECK_FALSE(ParsePciId("0x1ffffffff\n", "class", &id).ok());
  CHECK_THAT(std::string(ParsePciId("vendor?\n", "/x/vendor", &id).message()),
             Catch::Contains("/x/vendor"));

  bool present = false;
  double speed = 0;
  REQUIRE(ParsePciLinkSpeed("2.5 GT/s PCIe\n", "s", &present, &speed).ok());
  CHECK(present);
  CHECK(speed == 2.5e9);
  REQUIRE(ParsePciLinkSpeed("Unknown\n", "s", &present, &speed).ok());
  CHECK_FALSE(present);
  REQUIRE(ParsePciLinkSpeed("\n", "s", &present, &speed).ok());
  CHECK_FALSE(present);
  CHECK_FALSE(ParsePciLinkSpeed("8 GT/s\n", "s", &present, &speed).ok());  // before Linux 4.17
  CHECK_FALSE(ParsePciLinkSpeed("8.0GT/s\n", "s", &present, &speed).ok());
  CHECK_FALSE(ParsePciLinkSpeed("x GT/s PCIe\n", "s", &present, &speed).ok());

  int64_t v = 0;
  REQUIRE(
      ParsePciDecimal("-1\n", "numa_node", -2147483648LL, 2147483647LL, true, &present, &v).ok());
  CHECK(present);
  CHECK(v == -1);
  REQUIRE(ParsePciDecimal("Unknown\n", "w", 0, 100, true, &present, &v).ok());
  CHECK_FALSE(present);
  CHECK_FALSE(ParsePciDecimal("Unknown\n", "w", 0, 100, false, &present, &v).ok());
  CHECK_FALSE(ParsePciDecimal("-1\n", "sriov_numvfs", 0, 100, false, &present, &v).ok());
  CHECK_FALSE(ParsePciDecimal("101\n", "sriov_numvfs", 0, 100, false, &present, &v).ok());
  uint32_t hex = 0;
  REQUIRE(ParsePciHex("1520\n", "sriov_vf_device", &present, &hex).ok());
  CHECK(hex == 0x1520);
  CHECK_FALSE(ParsePciHex("0x1520\n", "sriov_vf_device", &present, &hex).ok());
}

TEST_CASE("pcidevice source over node_exporter's fixture devices", "[agent][pcidevice]") {
  const testing::TestContext ctx("pcidevice", testing::FixtureRoot());
  const testing::SampleRecorder rec = testing::CollectOk(*MakePcideviceSource(ctx).value());
  const std::string nic = "{bus=\"45\",device=\"00\",function=\"0\",segment=\"0000\"}";
  const std::string nvme = "{bus=\"01\",device=\"00\",function=\"0\",segment=\"0000\"}";
  const std::string port = "{bus=\"00\",device=\"02\",function=\"1\",segment=\"0000\"}";
  CHECK(rec.Get("node_pcidevice_info{bus=\"01\",class_id=\"0x010802\",device=\"00\","
                "device_id=\"0x540a\",function=\"0\",parent_bus=\"00\",parent_device=\"02\","
                "parent_function=\"1\",parent_segment=\"0000\",revision=\"0x01\","
                "segment=\"0000\",subsystem_device_id=\"0x5021\",subsystem_vendor_id=\"0xc0a9\","
                "vendor_id=\"0xc0a9\"}") == 1);
  CHECK(rec.Get("node_pcidevice_info{bus=\"00\",class_id=\"0x060400\",device=\"02\","
                "device_id=\"0x1634\",function=\"1\",parent_bus=\"*\",parent_device=\"*\","
                "parent_function=\"*\",parent_segment=\"*\",revision=\"0x00\","
                "segment=\"0000\",subsystem_device_id=\"0x5095\",subsystem_vendor_id=\"0x17aa\","
                "vendor_id=\"0x1022\"}") == 1);
  CHECK(rec.Get("node_pcidevice_max_link_transfers_per_second" + nvme) == 16e9);
  CHECK(rec.Get("node_pcidevice_current_link_transfers_per_second" + nic) == 5e9);
  CHECK(rec.Get("node_pcidevice_max_link_width" + port) == 8);
  CHECK(rec.Get("node_pcidevice_current_link_width" + nvme) == 4);
  CHECK(rec.Get("node_pcidevice_d3cold_allowed" + port) == 1);
  CHECK(rec.Get("node_pcidevice_sriov_drivers_autoprobe" + nvme) == 1);
  CHECK(rec.Get("node_pcidevice_sriov_numvfs" + nvme) == 4);
  CHECK(rec.Get("node_pcidevice_sriov_totalvfs" + nic) == 7);
  CHECK(rec.Get("node_pcidevice_sriov_vf_total_msix" + nvme) == 16);
  CHECK(rec.Get("node_pcidevice_power_state{bus=\"45\",device=\"00\",function=\"0\","
                "segment=\"0000\",state=\"D0\"}") == 1);
  CHECK(rec.Get("node_pcidevice_power_state{bus=\"45\",device=\"00\",function=\"0\","
                "segment=\"0000\",state=\"D3cold\"}") == 0);
  CHECK(rec.Count("node_pcidevice_power_state{") == 21);
  // numa_node -1 (the port and the drive) is left out.
  CHECK(rec.Get("node_pcidevice_numa_node" + nic) == 0);
  CHECK(rec.Count("node_pcidevice_numa_node{") == 1);
  CHECK(rec.samples.size() == 3 * 10 + 21 + 1);
  CHECK(rec.types.at("node_pcidevice_info") == kGauge);
  CHECK(rec.help.at("node_pcidevice_numa_node") ==
        "NUMA node number for the PCI device. -1 indicates unknown or not available.");
}

TEST_CASE("pcidevice source: absent bus, a device without optional files, bad devices",
          "[agent][pcidevice]") {
  const testing::TestContext none("pcidevice", testing::EmptyRoot());
  testing::SampleRecorder rec;
  CHECK(absl::IsNotFound(MakePcideviceSource(none).value()->Collect(rec)));
  CHECK(rec.adds == 0);

  testing::ScopedTempDir dir;
  const common::FsRoot fs(dir.File("proc"), dir.File("sys"), dir.File("rootfs"));
  const std::string dev = "sys/devices/pci0000:00/0000:00:1f.0/";
  for (const char* f : {"class", "vendor", "device", "subsystem_vendor", "subsystem_device"}) {
    dir.Write(dev + f, "0x1\n");
  }
  dir.Write(dev + "revision", "0x02\n");
  dir.Write(dev + "max_link_speed", "Unknown\n");
  dir.Write("sys/bus/pci/devices/.keep", "");
  ::unlink(dir.File("sys/bus/pci/devices/.keep").c_str());
  REQUIRE(::symlink("../../../devices/pci0000:00/0000:00:1f.0",
                    dir.File("sys/bus/pci/devices/0000:00:1f.0").c_str()) == 0);
  const testing::TestContext ctx("pcidevice", fs);
  SourcePtr source = MakePcideviceSource(ctx).value();
  {
    const testing::SampleRecorder got = testing::CollectOk(*source);
    const std::string loc = "{bus=\"00\",device=\"1f\",function=\"0\",segment=\"0000\"}";
    CHECK(got.Get("node_pcidevice_max_link_transfers_per_second" + loc) == -1);
    CHECK(got.Get("node_pcidevice_max_link_width" + loc) == -1);
    CHECK(got.Get("node_pcidevice_sriov_numvfs" + loc) == 0);
    CHECK(got.Count("node_pcidevice_power_state") == 0);
    CHECK(got.Count("node_pcidevice_numa_node") == 0);
    CHECK(got.samples.size() == 10);
  }
  struct Case {
    const char* file;
    const char* text;
    const char* message;
  } cases[] = {
      {"revision", "zz\n", "revision"},
      {"max_link_speed", "8 GT/s\n", "max_link_speed"},
      {"sriov_numvfs", "-1\n", "sriov_numvfs"},
      {"numa_node", "x\n", "numa_node"},
  };
  for (const Case& c : cases) {
    INFO(c.file);
    const std::string good = c.file == std::string("revision") ? "0x02\n" : "";
    dir.Write(dev + c.file, c.text);
    testing::SampleRecorder bad;
    const absl::Status s = source->Collect(bad);
    CHECK_FALSE(s.ok());
    CHECK_THAT(std::string(s.message()), Catch::Contains(c.file));
    CHECK(bad.adds == 0);  // nothing exported when a device cannot be read
    if (good.empty()) {
      ::unlink(dir.File(dev + c.file).c_str());
    } else {
      dir.Write(dev + c.file, good);
    }
  }
  ::unlink(dir.File(dev + "class").c_str());
  testing::SampleRecorder missing;
  CHECK_FALSE(source->Collect(missing).ok());
}

TEST_CASE("pcidevice source names devices from pci.ids with option names", "[agent][pcidevice]") {
  // node_exporter's pci.ids and pcidevice-names-output.txt.
  const testing::TestContext ctx(
      "pcidevice", testing::FixtureRoot(),
      {{"names", "true"}, {"idsfile", testing::FixturePath("node_exporter/pci.ids")}});
  const testing::SampleRecorder rec = testing::CollectOk(*MakePcideviceSource(ctx).value());
  CHECK(rec.Get(
            "node_pcidevice_info{bus=\"00\",class_id=\"0x060400\",class_name=\"PCI bridge\","
            "device=\"02\",device_id=\"0x1634\",device_name=\"Renoir/Cezanne PCIe GPP Bridge\","
            "function=\"1\",parent_bus=\"*\",parent_device=\"*\",parent_function=\"*\","
            "parent_segment=\"*\",revision=\"0x00\",segment=\"0000\","
            "subsystem_device_id=\"0x5095\",subsystem_device_name=\"T540-5095 Unified Wire "
            "Ethernet Controller\",subsystem_vendor_id=\"0x17aa\",subsystem_vendor_name=\"Lenovo\","
            "vendor_id=\"0x1022\",vendor_name=\"Advanced Micro Devices, Inc. [AMD]\"}") == 1);
  CHECK(rec.Get("node_pcidevice_info{bus=\"01\",class_id=\"0x010802\",class_name=\"NVM Express\","
                "device=\"00\",device_id=\"0x540a\",device_name=\"P2 [Nick P2] / P3 / P3 Plus NVMe "
                "PCIe SSD (DRAM-less)\",function=\"0\",parent_bus=\"00\",parent_device=\"02\","
                "parent_function=\"1\",parent_segment=\"0000\",revision=\"0x01\",segment=\"0000\","
                "subsystem_device_id=\"0x5021\",subsystem_device_name=\"PS5021-E21 PCIe4 NVMe "
                "Controller (DRAM-less)\",subsystem_vendor_id=\"0xc0a9\","
                "subsystem_vendor_name=\"Micron/Crucial Technology\",vendor_id=\"0xc0a9\","
                "vendor_name=\"Micron/Crucial Technology\"}") == 1);
  CHECK(rec.Count("node_pcidevice_info{") == 3);

  // Unknown ids fall back to the id; a missing database names nothing.
  const PciIds ids = PciIds::Parse(testing::ReadFixture("node_exporter/pci.ids"));
  std::string scratch, name;
  ids.VendorName("0xABCD", &scratch, &name);
  CHECK(name == "abcd");
  ids.DeviceName("0x8086", "0x1522", &scratch, &name);
  CHECK(name == "1522");
  ids.SubsystemName("0x8086", "0x1521", "0x8086", "0x0001", &scratch, &name);
  CHECK(name == "0001");
  ids.ClassName("0x010803", &scratch, &name);
  CHECK(name == "Non-Volatile memory controller");
  ids.ClassName("0x0c0330", &scratch, &name);
  CHECK(name == "Unknown class (0c0330)");
  const testing::TestContext missing("pcidevice", testing::FixtureRoot(),
                                     {{"names", "true"}, {"idsfile", "/does/not/exist"}});
  const testing::SampleRecorder plain = testing::CollectOk(*MakePcideviceSource(missing).value());
  CHECK(plain.Count("node_pcidevice_info{bus=\"45\",class_id=\"0x020000\","
                    "class_name=\"Unknown class (020000)\",device=\"00\",device_id=\"0x1521\","
                    "device_name=\"1521\",") == 1);
}

}  // namespace
}  // namespace hostmon::agent
