// SPDX-License-Identifier: Apache-2.0
//
// smartctl --json parsing over real captures (tests/fixtures/smart/, see its README).
#include "agent/sources/smart/smart_parser.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <string>

#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"

namespace hostmon::agent::smart {
namespace {

// Writes a report's samples as the source does (device label first).
testing::SampleRecorder Record(const SmartReport& r, const std::string& device) {
  testing::SampleRecorder rec;
  std::vector<LabelRef> labels;
  for (const SmartSample& s : r.samples) {
    labels.clear();
    labels.push_back({"device", device});
    for (const auto& [k, v] : s.labels) labels.push_back({k, v});
    rec.Add(*s.desc, labels, s.value);
  }
  return rec;
}

std::string Attr(const std::string& dev, const std::string& name, const std::string& flags_short,
                 const std::string& flags_long, const std::string& type, int id) {
  return "smartctl_device_attribute{device=\"" + dev + "\",attribute_name=\"" + name +
         "\",attribute_flags_short=\"" + flags_short + "\",attribute_flags_long=\"" + flags_long +
         "\",attribute_value_type=\"" + type + "\",attribute_id=\"" + std::to_string(id) + "\"}";
}

TEST_CASE("smartctl JSON: healthy SATA SSD (smartctl_exporter's invocation)", "[smart]") {
  auto r = ParseSmartctlJson(testing::ReadFixture("smart/devices/sda.json"));
  REQUIRE(r.ok());
  CHECK(r->exit_status == 0);
  CHECK_FALSE(r->low_power);
  CHECK(r->bad_fields.empty());
  auto rec = Record(*r, "sda");
  CHECK(rec.Get(Attr("sda", "Reallocated_Sector_Ct", "PO--CK",
                     "prefailure,updated_online,event_count,auto_keep", "thresh", 5)) == 10);
  CHECK(rec.Get(Attr("sda", "Power_On_Hours", "-O--CK", "updated_online,event_count,auto_keep",
                     "raw", 9)) == 4717);
  CHECK(rec.Get("smartctl_device_temperature{device=\"sda\",temperature_type=\"current\"}") == 24);
  CHECK(rec.Get("smartctl_device_power_on_seconds{device=\"sda\"}") == 4717.0 * 3600);
  CHECK(rec.Get("smartctl_device_power_cycle_count{device=\"sda\"}") == 53);
  CHECK(rec.Get("smartctl_device_smart_status{device=\"sda\"}") == 1);
  CHECK(rec.Get("smartctl_device_error_log_count{device=\"sda\",error_log_type=\"summary\"}") == 0);
  CHECK(rec.Get("smartctl_device_block_size{device=\"sda\",blocks_type=\"logical\"}") == 512);
  CHECK(rec.types.at("smartctl_device_power_on_seconds") == kCounter);
  // NVMe-only families are not written for an ATA device.
  CHECK(rec.types.count("smartctl_device_percentage_used") == 0);
  // smartctl_device carries the identity labels.
  bool found = false;
  for (const auto& [key, value] : rec.samples) {
    if (key.rfind("smartctl_device{", 0) == 0) {
      found = true;
      CHECK(key.find("model_name=\"SAMSUNG MZ7LH1T9HMLT-00005\"") != std::string::npos);
      CHECK(key.find("interface=\"sat\"") != std::string::npos);
      CHECK(key.find("protocol=\"ATA\"") != std::string::npos);
      CHECK(value == 1);
    }
  }
  CHECK(found);
  REQUIRE(r->version.size() == 4);
  CHECK(r->version[0].second == "1.0");
  CHECK(r->version[1].second == "7.3");
}

TEST_CASE("smartctl JSON: failing HDD (exit 216) keeps its values", "[smart]") {
  auto r = ParseSmartctlJson(testing::ReadFixture("smart/devices/sdc.json"));
  REQUIRE(r.ok());
  CHECK(r->exit_status == 216);
  CHECK(DescribeExitStatus(r->exit_status) ==
        "disk_failing,prefail_below_threshold,error_log_has_errors,self_test_log_has_errors");
  auto rec = Record(*r, "sdc");
  CHECK(rec.Get("smartctl_device_smart_status{device=\"sdc\"}") == 0);
  CHECK(rec.Get(Attr("sdc", "Reallocated_Sector_Ct", "PO--CK",
                     "prefailure,updated_online,event_count,auto_keep", "raw", 5)) == 1975);
  CHECK(rec.Get(Attr("sdc", "Reallocated_Sector_Ct", "PO--CK",
                     "prefailure,updated_online,event_count,auto_keep", "value", 5)) == 1);
  CHECK(rec.Get("smartctl_device_error_log_count{device=\"sdc\",error_log_type=\"summary\"}") ==
        56);
  CHECK(rec.Get("smartctl_device_self_test_log_count{device=\"sdc\",self_test_log_type="
                "\"standard\"}") == 21);
  CHECK(rec.Get("smartctl_device_self_test_log_error_count{device=\"sdc\",self_test_log_type="
                "\"standard\"}") == 3);
}

TEST_CASE("smartctl JSON: MegaRAID pass-through disk", "[smart]") {
  auto r = ParseSmartctlJson(testing::ReadFixture("smart/devices/0@megaraid,1.json"));
  REQUIRE(r.ok());
  CHECK(r->exit_status == 4);
  CHECK(DescribeExitStatus(4) == "command_failed");
  const std::string dev = DeviceLabel("/dev/bus/0", "megaraid,1");
  CHECK(dev == "bus_0_megaraid_disk_01");
  auto rec = Record(*r, dev);
  CHECK(rec.Get(Attr(dev, "Reallocated_Sector_Ct", "PO--CK",
                     "prefailure,updated_online,event_count,auto_keep", "raw", 5)) == 387);
  CHECK(rec.Get("smartctl_device_smart_status{device=\"" + dev + "\"}") == 1);
}

TEST_CASE("smartctl JSON: failing NVMe (critical warning, exit 8)", "[smart]") {
  auto r = ParseSmartctlJson(testing::ReadFixture("smart/devices/nvme0.json"));
  REQUIRE(r.ok());
  CHECK(r->exit_status == 8);
  CHECK(DescribeExitStatus(8) == "disk_failing");
  auto rec = Record(*r, "nvme0");
  CHECK(rec.Get("smartctl_device_critical_warning{device=\"nvme0\"}") == 16);
  CHECK(rec.Get("smartctl_device_smart_status{device=\"nvme0\"}") == 0);
  CHECK(rec.Get("smartctl_device_available_spare{device=\"nvme0\"}") == 100);
  CHECK(rec.Get("smartctl_device_available_spare_threshold{device=\"nvme0\"}") == 10);
  CHECK(rec.Get("smartctl_device_percentage_used{device=\"nvme0\"}") == 0);
  CHECK(rec.Get("smartctl_device_bytes_read{device=\"nvme0\"}") == 146935678.0 * 512000);
  CHECK(rec.Get("smartctl_device_bytes_written{device=\"nvme0\"}") == 147556750.0 * 512000);
  CHECK(rec.Get("smartctl_device_temperature{device=\"nvme0\",temperature_type=\"current\"}") ==
        40);
  CHECK(rec.types.count("smartctl_device_attribute") == 0);
}

TEST_CASE("smartctl JSON: NVMe with media errors", "[smart]") {
  auto r = ParseSmartctlJson(testing::ReadFixture("smart/devices/nvme2.json"));
  REQUIRE(r.ok());
  auto rec = Record(*r, "nvme2");
  CHECK(rec.Get("smartctl_device_media_errors{device=\"nvme2\"}") == 7);
  CHECK(rec.Get("smartctl_device_num_err_log_entries{device=\"nvme2\"}") == 62);
  CHECK(rec.Get("smartctl_device_percentage_used{device=\"nvme2\"}") == 3);
}

TEST_CASE("smartctl JSON: a sleeping disk is reported as such, with no values", "[smart]") {
  auto r = ParseSmartctlJson(testing::ReadFixture("smart/devices/sdd.json"));
  REQUIRE(r.ok());
  CHECK(r->exit_status == 2);
  CHECK(r->low_power);
  CHECK(r->power_mode == "STANDBY");
  CHECK(r->samples.empty());
  CHECK(r->errors.empty());
}

TEST_CASE("smartctl JSON: open failure carries smartctl's error message", "[smart]") {
  auto r = ParseSmartctlJson(testing::ReadFixture("smart/devices/sdf.json"));
  REQUIRE(r.ok());
  CHECK_FALSE(r->low_power);
  REQUIRE(r->errors.size() == 1);
  CHECK(r->errors[0].find("Permission denied") != std::string::npos);
}

TEST_CASE("smartctl JSON: truncated, missing fields, bad numbers", "[smart]") {
  const std::string full = testing::ReadFixture("smart/devices/sdb.json");
  SECTION("truncated output is an error, not a crash") {
    auto r = ParseSmartctlJson(full.substr(0, full.size() / 2));
    REQUIRE_FALSE(r.ok());
    CHECK(std::string(r.status().message()).find("not valid JSON") != std::string::npos);
    CHECK_FALSE(ParseSmartctlJson("").ok());
    CHECK_FALSE(ParseSmartctlJson("[1,2]").ok());
  }
  SECTION("no exit status") {
    auto r = ParseSmartctlJson(R"({"device":{"name":"/dev/sda"}})");
    REQUIRE_FALSE(r.ok());
    CHECK(std::string(r.status().message()).find("exit_status") != std::string::npos);
  }
  SECTION("minimal output: absent fields are left out, not invented") {
    auto r = ParseSmartctlJson(R"({"smartctl":{"exit_status":0},"device":{"type":"sat"}})");
    REQUIRE(r.ok());
    auto rec = Record(*r, "sdx");
    CHECK_FALSE(rec.Has("smartctl_device_smart_status{device=\"sdx\"}"));
    CHECK_FALSE(rec.Has("smartctl_device_power_on_seconds{device=\"sdx\"}"));
    CHECK(rec.types.count("smartctl_device_attribute") == 0);
    CHECK(rec.Has("smartctl_device_capacity_bytes{device=\"sdx\"}"));  // as the exporter: 0
  }
  SECTION("a field that is not a number is dropped and named") {
    auto r = ParseSmartctlJson(
        R"({"smartctl":{"exit_status":0},"device":{"type":"sat"},
            "temperature":{"current":"hot","drive_trip":70},
            "ata_smart_attributes":{"table":[{"id":5,"name":"Reallocated_Sector_Ct","value":"x",
              "worst":100,"thresh":10,"raw":{"value":3},"flags":{"string":"PO--CK"}}]}})");
    REQUIRE(r.ok());
    auto rec = Record(*r, "sdx");
    CHECK_FALSE(
        rec.Has("smartctl_device_temperature{device=\"sdx\",temperature_type=\"current\"}"));
    CHECK(rec.Get("smartctl_device_temperature{device=\"sdx\",temperature_type=\"drive_trip\"}") ==
          70);
    CHECK(rec.Get(Attr("sdx", "Reallocated_Sector_Ct", "PO--CK", "", "raw", 5)) == 3);
    CHECK_FALSE(rec.Has(Attr("sdx", "Reallocated_Sector_Ct", "PO--CK", "", "value", 5)));
    REQUIRE(r->bad_fields.size() == 2);
    CHECK(r->bad_fields[0] == "ata_smart_attributes.table[id=5].value");
    CHECK(r->bad_fields[1] == "temperature.current");
  }
}

TEST_CASE("SCSI error counters and grown defects", "[smart]") {
  // Field names as smartmontools' scsiprint.cpp writes them (no SCSI capture is available).
  auto r = ParseSmartctlJson(R"({"smartctl":{"exit_status":0},
      "device":{"name":"/dev/sdg","type":"scsi","protocol":"SCSI"},
      "scsi_grown_defect_list":12,
      "scsi_error_counter_log":{
        "read":{"errors_corrected_by_eccfast":1,"errors_corrected_by_eccdelayed":2,
                "errors_corrected_by_rereads_rewrites":3,"total_uncorrected_errors":4,
                "gigabytes_processed":"1.5"},
        "write":{"errors_corrected_by_eccfast":0,"errors_corrected_by_eccdelayed":0,
                 "errors_corrected_by_rereads_rewrites":0,"total_uncorrected_errors":5,
                 "gigabytes_processed":2.5}},
      "scsi_start_stop_cycle_counter":{"accumulated_start_stop_cycles":77}})");
  REQUIRE(r.ok());
  auto rec = Record(*r, "sdg");
  CHECK(rec.Get("smartctl_scsi_grown_defect_list{device=\"sdg\"}") == 12);
  CHECK(rec.Get("smartctl_read_total_uncorrected_errors{device=\"sdg\"}") == 4);
  CHECK(rec.Get("smartctl_read_errors_corrected_by_eccdelayed{device=\"sdg\"}") == 2);
  CHECK(rec.Get("smartctl_write_total_uncorrected_errors{device=\"sdg\"}") == 5);
  CHECK(rec.Get("smartctl_device_bytes_written{device=\"sdg\"}") == 2.5e9);
  // smartctl < 7.4 prints gigabytes_processed as a string: left out, named.
  CHECK_FALSE(rec.Has("smartctl_device_bytes_read{device=\"sdg\"}"));
  CHECK(rec.Get("smartctl_device_power_cycle_count{device=\"sdg\"}") == 77);
}

TEST_CASE("Device labels, device lists and scan output", "[smart]") {
  CHECK(DeviceLabel("/dev/sda", "") == "sda");
  CHECK(DeviceLabel("/dev/nvme0", "nvme") == "nvme0");
  CHECK(DeviceLabel("/dev/sda", "sat+megaraid,7") == "sda_megaraid_disk_07");
  CHECK(DeviceLabel("/dev/sg1", "cciss,3") == "sg1_cciss_3");

  auto list = ParseDeviceList(" /dev/sda;/dev/bus/0:megaraid,0\n/dev/nvme0:nvme ");
  REQUIRE(list.ok());
  REQUIRE(list->size() == 3);
  CHECK((*list)[1].path == "/dev/bus/0");
  CHECK((*list)[1].type == "megaraid,0");
  CHECK((*list)[1].label == "bus_0_megaraid_disk_00");
  CHECK(ParseDeviceList("")->empty());
  CHECK_FALSE(ParseDeviceList("sda").ok());
  CHECK_FALSE(ParseDeviceList("/dev/sda:").ok());
  // by-path names contain ':'; only a trailing smartctl -d value is a type.
  auto by_path = ParseDeviceList(
      "/dev/disk/by-path/pci-0000:00:17.0-ata-1 /dev/disk/by-path/pci-0000:00:10.0-scsi-0:0:1:0 "
      "/dev/disk/by-path/pci-0000:03:00.0-scsi-0:2:0:0:sat+megaraid,2");
  REQUIRE(by_path.ok());
  REQUIRE(by_path->size() == 3);
  CHECK((*by_path)[0].path == "/dev/disk/by-path/pci-0000:00:17.0-ata-1");
  CHECK((*by_path)[0].type.empty());
  CHECK((*by_path)[1].path == "/dev/disk/by-path/pci-0000:00:10.0-scsi-0:0:1:0");
  CHECK((*by_path)[1].type.empty());
  CHECK((*by_path)[2].path == "/dev/disk/by-path/pci-0000:03:00.0-scsi-0:2:0:0");
  CHECK((*by_path)[2].type == "sat+megaraid,2");

  auto scan = ParseScanJson(testing::ReadFixture("smart/devices/scan.json"));
  REQUIRE(scan.ok());
  REQUIRE(scan->size() == 8);
  CHECK((*scan)[3].label == "bus_0_megaraid_disk_01");
  CHECK((*scan)[5].type == "nvme");
  CHECK(ParseScanJson(R"({"smartctl":{"exit_status":0}})")->empty());
  CHECK_FALSE(ParseScanJson("{\"devices\":").ok());
  CHECK_FALSE(ParseScanJson(R"({"devices":{}})").ok());
}

TEST_CASE("Device labels are made unique: a disk listed twice once, a repeated label renamed",
          "[smart]") {
  // "/dev/disk_a" and "/dev/disk/a" are different disks with the same label "disk_a".
  auto list = ParseDeviceList("/dev/sda /dev/disk_a /dev/sda /dev/disk/a /dev/bus/0:megaraid,1");
  REQUIRE(list.ok());
  std::vector<std::string> collisions = MakeDeviceLabelsUnique(&*list);
  REQUIRE(list->size() == 4);
  CHECK((*list)[0].label == "sda");
  CHECK((*list)[1].label == "disk_a");
  CHECK((*list)[2].path == "/dev/disk/a");
  CHECK((*list)[2].label == "disk_a_3");  // its position in the list as given
  CHECK((*list)[3].label == "bus_0_megaraid_disk_01");
  CHECK(collisions == std::vector<std::string>{
                          "device /dev/disk/a has the label \"disk_a\" of /dev/disk_a, exported as "
                          "\"disk_a_3\""});
  std::vector<SmartDeviceSpec> none;
  CHECK(MakeDeviceLabelsUnique(&none).empty());
}

// Prints "SMART parse <fixture>: <ms> ms" (tests/bench/hardware_bench.py reads these lines).
TEST_CASE("SMART parse", "[.bench][smart]") {
  for (const char* fixture : {"smart/scrutiny/smart-ata-full.json", "smart/devices/sdb.json",
                              "smart/devices/nvme0.json"}) {
    const std::string text = testing::ReadFixture(fixture);
    constexpr int kRuns = 200;
    size_t samples = 0;
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < kRuns; ++i) samples += ParseSmartctlJson(text)->samples.size();
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() /
        kRuns;
    std::printf("SMART parse %s: %.3f ms (%zu bytes, %zu samples)\n", fixture, ms, text.size(),
                samples / kRuns);
    CHECK(samples > 0);
  }
}

}  // namespace
}  // namespace hostmon::agent::smart
