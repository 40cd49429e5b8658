// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/smart/smart_parser.h"

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace hostmon::agent::smart {

using Json = nlohmann::json;

// hostmon's own families: smartctl_exporter has no per-device "up" or decoded exit bits.
const MetricDesc kSmartDeviceUp{
    "hostmon_smart_device_up", kGauge,
    "1 if smartctl returned data for the device (or found it asleep), 0 if it failed or timed "
    "out."};
const MetricDesc kSmartExitStatusFlag{
    "hostmon_smart_exit_status_flag", kGauge,
    "smartctl exit status bits decoded (man smartctl, RETURN VALUES): 1 if the bit is set."};
const MetricDesc kSmartDeviceStandby{
    "hostmon_smart_device_standby", kGauge,
    "1 if the device was in a low-power mode and not woken (--nocheck=standby); its SMART "
    "values are then not exported for this round."};
// smartctl_exporter's names, types and help texts.
const MetricDesc kSmartctlExitStatus{"smartctl_device_smartctl_exit_status", kGauge,
                                     "Exit status of smartctl on device"};
const MetricDesc kSmartctlDeviceState{
    "smartctl_device_state", kGauge,
    "Device state (0=active, 1=standby, 2=sleep, 3=dst, 4=offline, 5=sct)"};
const MetricDesc kSmartctlVersion{"smartctl_version", kGauge, "smartctl version"};
const MetricDesc kSmartctlDevices{"smartctl_devices", kGauge,
                                  "Number of devices configured or dynamically discovered"};

namespace {

constexpr MetricDesc kDevice{"smartctl_device", kGauge, "Device info"};
constexpr MetricDesc kCapacityBlocks{"smartctl_device_capacity_blocks", kGauge,
                                     "Device capacity in blocks"};
constexpr MetricDesc kCapacityBytes{"smartctl_device_capacity_bytes", kGauge,
                                    "Device capacity in bytes"};
constexpr MetricDesc kNvmeCapacityBytes{"smartctl_device_nvme_capacity_bytes", kGauge,
                                        "NVMe device total capacity bytes"};
constexpr MetricDesc kBlockSize{"smartctl_device_block_size", kGauge, "Device block size"};
constexpr MetricDesc kInterfaceSpeed{"smartctl_device_interface_speed", kGauge,
                                     "Device interface speed, bits per second"};
constexpr MetricDesc kAttribute{"smartctl_device_attribute", kGauge, "Device attributes"};
constexpr MetricDesc kPowerOnSeconds{"smartctl_device_power_on_seconds", kCounter,
                                     "Device power on seconds"};
constexpr MetricDesc kRotationRate{"smartctl_device_rotation_rate", kGauge, "Device rotation rate"};
constexpr MetricDesc kTemperature{"smartctl_device_temperature", kGauge,
                                  "Device temperature celsius"};
constexpr MetricDesc kPowerCycleCount{"smartctl_device_power_cycle_count", kCounter,
                                      "Device power cycle count"};
constexpr MetricDesc kStatistics{"smartctl_device_statistics", kGauge, "Device statistics"};
constexpr MetricDesc kErrorLogCount{"smartctl_device_error_log_count", kGauge,
                                    "Device SMART error log count"};
constexpr MetricDesc kSelfTestLogCount{"smartctl_device_self_test_log_count", kGauge,
                                       "Device SMART self test log count"};
constexpr MetricDesc kSelfTestLogErrorCount{"smartctl_device_self_test_log_error_count", kGauge,
                                            "Device SMART self test log error count"};
constexpr MetricDesc kErcSeconds{"smartctl_device_erc_seconds", kGauge,
                                 "Device SMART Error Recovery Control Seconds"};
constexpr MetricDesc kSmartStatus{"smartctl_device_smart_status", kGauge, "General smart status"};
constexpr MetricDesc kPercentageUsed{"smartctl_device_percentage_used", kCounter,
                                     "Device write percentage used"};
constexpr MetricDesc kAvailableSpare{
    "smartctl_device_available_spare", kCounter,
    "Normalized percentage (0 to 100%) of the remaining spare capacity available"};
constexpr MetricDesc kAvailableSpareThreshold{
    "smartctl_device_available_spare_threshold", kCounter,
    "When the Available Spare falls below the threshold indicated in this field, an asynchronous "
    "event completion may occur. The value is indicated as a normalized percentage (0 to 100%)"};
constexpr MetricDesc kCriticalWarning{
    "smartctl_device_critical_warning", kCounter,
    "This field indicates critical warnings for the state of the controller"};
constexpr MetricDesc kWarningTempTime{
    "smartctl_device_warning_temp_time", kCounter,
    "This field indicates critical warnings for the state of the controller"};
constexpr MetricDesc kCriticalCompTime{
    "smartctl_device_critical_comp_time", kCounter,
    "This field indicates critical warnings for the state of the controller"};
constexpr MetricDesc kMediaErrors{
    "smartctl_device_media_errors", kCounter,
    "Contains the number of occurrences where the controller detected an unrecovered data "
    "integrity error. Errors such as uncorrectable ECC, CRC checksum failure, or LBA tag mismatch "
    "are included in this field"};
constexpr MetricDesc kNumErrLogEntries{
    "smartctl_device_num_err_log_entries", kCounter,
    "Contains the number of Error Information log entries over the life of the controller"};
constexpr MetricDesc kBytesRead{"smartctl_device_bytes_read", kCounter, ""};
constexpr MetricDesc kBytesWritten{"smartctl_device_bytes_written", kCounter, ""};
constexpr MetricDesc kScsiGrownDefectList{"smartctl_scsi_grown_defect_list", kGauge,
                                          "Device SCSI grown defect list counter"};
constexpr MetricDesc kScsiErrors[8] = {
    {"smartctl_read_errors_corrected_by_rereads_rewrites", kGauge,
     "Read Errors Corrected by ReReads/ReWrites"},
    {"smartctl_read_errors_corrected_by_eccfast", kGauge, "Read Errors Corrected by ECC Fast"},
    {"smartctl_read_errors_corrected_by_eccdelayed", kGauge,
     "Read Errors Corrected by ECC Delayed"},
    {"smartctl_read_total_uncorrected_errors", kGauge, "Read Total Uncorrected Errors"},
    {"smartctl_write_errors_corrected_by_rereads_rewrites", kGauge,
     "Write Errors Corrected by ReReads/ReWrites"},
    {"smartctl_write_errors_corrected_by_eccfast", kGauge, "Write Errors Corrected by ECC Fast"},
    {"smartctl_write_errors_corrected_by_eccdelayed", kGauge,
     "Write Errors Corrected by ECC Delayed"},
    {"smartctl_write_total_uncorrected_errors", kGauge, "Write Total Uncorrected Errors"},
};
constexpr const char* kScsiErrorPaths[8] = {
    "read.errors_corrected_by_rereads_rewrites",  "read.errors_corrected_by_eccfast",
    "read.errors_corrected_by_eccdelayed",        "read.total_uncorrected_errors",
    "write.errors_corrected_by_rereads_rewrites", "write.errors_corrected_by_eccfast",
    "write.errors_corrected_by_eccdelayed",       "write.total_uncorrected_errors",
};

using Labels = std::vector<std::pair<std::string, std::string>>;

// Walks a dotted path ("a.b.c"); nullptr when any step is missing or not an object.
const Json* Find(const Json& j, absl::string_view path) {
  const Json* cur = &j;
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(std::string(part));
    if (it == cur->end()) return nullptr;
    cur = &*it;
  }
  return cur;
}

std::string Str(const Json& j, absl::string_view path, absl::string_view dflt = "") {
  const Json* v = Find(j, path);
  if (v == nullptr) return std::string(dflt);
  if (v->is_string()) return std::string(absl::StripAsciiWhitespace(v->get<std::string>()));
  if (v->is_number_integer()) return std::to_string(v->get<int64_t>());
  return std::string(dflt);
}

class Builder {
 public:
  Builder(const Json& root, SmartReport* r) : root_(root), r_(r) {}

  // The number at `path` under `base`; false (and recorded as bad) if present but not a number.
  bool Num(const Json& base, absl::string_view path, double* out, absl::string_view where = "") {
    const Json* v = Find(base, path);
    if (v == nullptr) return false;
    if (v->is_number()) {
      *out = v->get<double>();
      return true;
    }
    if (v->is_boolean()) {
      *out = v->get<bool>() ? 1 : 0;
      return true;
    }
    r_->bad_fields.push_back(absl::StrCat(where, where.empty() ? "" : ".", path));
    return false;
  }
  bool Num(absl::string_view path, double* out) { return Num(root_, path, out); }

  void Add(const MetricDesc& d, Labels labels, double v) {
    r_->samples.push_back(SmartSample{&d, std::move(labels), v});
  }
  // Adds the series only when the field exists and is a number.
  void AddIf(const MetricDesc& d, absl::string_view path, Labels labels = {}, double scale = 1) {
    double v;
    if (Num(path, &v)) Add(d, std::move(labels), v * scale);
  }
  // smartctl_exporter exports some fields as 0 when absent (gjson's Float() of nothing).
  void AddOrZero(const MetricDesc& d, absl::string_view path, Labels labels = {}) {
    double v = 0;
    Num(path, &v);
    Add(d, std::move(labels), v);
  }

 private:
  const Json& root_;
  SmartReport* r_;
};

std::string LongFlags(const Json& flags, std::initializer_list<const char*> names) {
  std::vector<std::string> out;
  for (const char* n : names) {
    auto it = flags.is_object() ? flags.find(n) : flags.end();
    if (it != flags.end() && it->is_boolean() && it->get<bool>()) out.push_back(n);
  }
  return absl::StrJoin(out, ",");
}

void BuildSamples(const Json& j, SmartReport* r) {
  Builder b(j, r);
  const std::string iface = Str(j, "device.type");
  const std::string model = Str(j, "model_name", Str(j, "scsi_model_name", "unknown"));
  b.Add(kDevice,
        {{"interface", iface},
         {"protocol", Str(j, "device.protocol")},
         {"model_family", Str(j, "model_family", "unknown")},
         {"model_name", model.empty() ? "unknown" : model},
         {"serial_number", Str(j, "serial_number")},
         {"ata_additional_product_id", Str(j, "ata_additional_product_id", "unknown")},
         {"firmware_version", Str(j, "firmware_version")},
         {"ata_version", Str(j, "ata_version.string")},
         {"sata_version", Str(j, "sata_version.string")},
         {"form_factor", Str(j, "form_factor.name")},
         {"scsi_vendor", Str(j, "scsi_vendor")},
         {"scsi_product", Str(j, "scsi_product")},
         {"scsi_revision", Str(j, "scsi_revision")},
         {"scsi_version", Str(j, "scsi_version")}},
        1);
  b.AddOrZero(kCapacityBlocks, "user_capacity.blocks");
  b.AddOrZero(kCapacityBytes, "user_capacity.bytes");
  b.AddIf(kNvmeCapacityBytes, "nvme_total_capacity");
  b.AddOrZero(kBlockSize, "logical_block_size", {{"blocks_type", "logical"}});
  b.AddOrZero(kBlockSize, "physical_block_size", {{"blocks_type", "physical"}});
  for (const char* speed : {"max", "current"}) {
    const Json* s = Find(j, absl::StrCat("interface_speed.", speed));
    double units, bits;
    if (s != nullptr && b.Num(*s, "units_per_second", &units, "interface_speed") &&
        b.Num(*s, "bits_per_unit", &bits, "interface_speed")) {
      b.Add(kInterfaceSpeed, {{"speed_type", speed}}, units * bits);
    }
  }
  if (const Json* table = Find(j, "ata_smart_attributes.table"); table && table->is_array()) {
    for (const Json& a : *table) {
      if (!a.is_object()) continue;
      const Json* flags = Find(a, "flags");
      std::string short_flags = Str(a, "flags.string");
      std::string long_flags =
          flags ? LongFlags(*flags, {"prefailure", "updated_online", "performance", "error_rate",
                                     "event_count", "auto_keep"})
                : "";
      std::string name = Str(a, "name");
      std::string id = Str(a, "id");
      for (auto [type, path] : {std::pair<const char*, const char*>{"value", "value"},
                                {"worst", "worst"},
                                {"thresh", "thresh"},
                                {"raw", "raw.value"}}) {
        double v;
        if (!b.Num(a, path, &v, absl::StrCat("ata_smart_attributes.table[id=", id, "]"))) continue;
        b.Add(kAttribute,
              {{"attribute_name", name},
               {"attribute_flags_short", short_flags},
               {"attribute_flags_long", long_flags},
               {"attribute_value_type", type},
               {"attribute_id", id}},
              v);
      }
    }
  }
  if (const Json* pot = Find(j, "power_on_time"); pot != nullptr) {
    double hours = 0, minutes = 0;
    b.Num(*pot, "hours", &hours, "power_on_time");
    b.Num(*pot, "minutes", &minutes, "power_on_time");
    b.Add(kPowerOnSeconds, {}, hours * 3600 + minutes * 60);
  }
  if (double rpm; b.Num("rotation_rate", &rpm) && rpm > 0) b.Add(kRotationRate, {}, rpm);
  if (const Json* t = Find(j, "temperature"); t && t->is_object()) {
    for (auto it = t->begin(); it != t->end(); ++it) {
      double v;
      if (b.Num(*t, it.key(), &v, "temperature"))
        b.Add(kTemperature, {{"temperature_type", it.key()}}, v);
    }
  }
  if (Find(j, "power_cycle_count") != nullptr) {
    b.AddIf(kPowerCycleCount, "power_cycle_count");
  } else {
    b.AddIf(kPowerCycleCount, "scsi_start_stop_cycle_counter.accumulated_start_stop_cycles");
  }
  b.AddIf(kSmartctlDeviceState, "ata_sct_status.device_state");
  if (const Json* pages = Find(j, "ata_device_statistics.pages"); pages && pages->is_array()) {
    for (const Json& page : *pages) {
      std::string table = Str(page, "name");
      // Vendor pages repeat statistic names (smartctl_exporter skips them for that reason).
      if (table == "Vendor Specific Statistics") continue;
      const Json* rows = Find(page, "table");
      if (rows == nullptr || !rows->is_array()) continue;
      for (const Json& s : *rows) {
        double v;
        if (!b.Num(s, "value", &v, "ata_device_statistics")) continue;
        const Json* flags = Find(s, "flags");
        b.Add(kStatistics,
              {{"statistic_table", table},
               {"statistic_name", Str(s, "name")},
               {"statistic_flags_short", Str(s, "flags.string")},
               {"statistic_flags_long",
                flags ? LongFlags(*flags, {"valid", "normalized", "supports_dsn",
                                           "monitored_condition_met"})
                      : ""}},
              v);
      }
    }
  }
  if (const Json* rows = Find(j, "sata_phy_event_counters.table"); rows && rows->is_array()) {
    for (const Json& s : *rows) {
      double v;
      if (!b.Num(s, "value", &v, "sata_phy_event_counters")) continue;
      b.Add(kStatistics,
            {{"statistic_table", "SATA PHY Event Counters"},
             {"statistic_name", Str(s, "name")},
             {"statistic_flags_short", "V---"},
             {"statistic_flags_long", "valid"}},
            v);
    }
  }
  if (const Json* log = Find(j, "ata_smart_error_log"); log && log->is_object()) {
    for (auto it = log->begin(); it != log->end(); ++it) {
      double v;
      if (b.Num(*it, "count", &v, "ata_smart_error_log")) {
        b.Add(kErrorLogCount, {{"error_log_type", it.key()}}, v);
      }
    }
  }
  if (const Json* log = Find(j, "ata_smart_self_test_log"); log && log->is_object()) {
    for (auto it = log->begin(); it != log->end(); ++it) {
      double v;
      if (b.Num(*it, "count", &v, "ata_smart_self_test_log")) {
        b.Add(kSelfTestLogCount, {{"self_test_log_type", it.key()}}, v);
      }
      if (b.Num(*it, "error_count_total", &v, "ata_smart_self_test_log")) {
        b.Add(kSelfTestLogErrorCount, {{"self_test_log_type", it.key()}}, v);
      }
    }
  }
  if (const Json* erc = Find(j, "ata_sct_erc"); erc && erc->is_object()) {
    for (auto it = erc->begin(); it != erc->end(); ++it) {
      double v;
      if (b.Num(*it, "deciseconds", &v, "ata_sct_erc")) {
        b.Add(kErcSeconds, {{"op_type", it.key()}}, v / 10.0);
      }
    }
  }
  // Left out when smartctl could not read it (e.g. behind some RAID controllers), rather than
  // exported as 0 = failed as smartctl_exporter does: a missing status must not page.
  b.AddIf(kSmartStatus, "smart_status.passed");
  if (iface == "nvme") {
    const std::string log = "nvme_smart_health_information_log.";
    b.AddOrZero(kPercentageUsed, log + "percentage_used");
    b.AddOrZero(kAvailableSpare, log + "available_spare");
    b.AddOrZero(kAvailableSpareThreshold, log + "available_spare_threshold");
    b.AddOrZero(kCriticalWarning, log + "critical_warning");
    b.AddOrZero(kMediaErrors, log + "media_errors");
    b.AddOrZero(kNumErrLogEntries, log + "num_err_log_entries");
    // NVMe data units are thousands of 512-byte units (NVMe base spec, SMART / Health log);
    // 0 means "not reported".
    if (double v; b.Num(log + "data_units_read", &v) && v > 0) b.Add(kBytesRead, {}, v * 512000);
    if (double v; b.Num(log + "data_units_written", &v) && v > 0) {
      b.Add(kBytesWritten, {}, v * 512000);
    }
    b.AddOrZero(kCriticalCompTime, log + "critical_comp_time");
    b.AddOrZero(kWarningTempTime, log + "warning_temp_time");
  }
  if (iface == "scsi") {
    b.AddIf(kScsiGrownDefectList, "scsi_grown_defect_list");
    if (Find(j, "scsi_error_counter_log") != nullptr) {
      for (int i = 0; i < 8; ++i) {
        b.AddOrZero(kScsiErrors[i], absl::StrCat("scsi_error_counter_log.", kScsiErrorPaths[i]));
      }
      b.AddIf(kBytesRead, "scsi_error_counter_log.read.gigabytes_processed", {}, 1e9);
      b.AddIf(kBytesWritten, "scsi_error_counter_log.write.gigabytes_processed", {}, 1e9);
    }
  }
}

}  // namespace

std::string DeviceLabel(absl::string_view path, absl::string_view type) {
  std::string label(absl::StripPrefix(path, "/dev/"));
  for (char& c : label) {
    if (c == '/') c = '_';
  }
  std::pair<absl::string_view, absl::string_view> kv =
      absl::StrSplit(type, absl::MaxSplits(',', 1));
  if (!kv.second.empty()) {
    // "sat+megaraid,1": the pass-through part is the last '+' component.
    absl::string_view kind = kv.first.substr(kv.first.rfind('+') + 1);
    if (kind == "megaraid") {
      int n = 0;
      if (absl::SimpleAtoi(kv.second, &n)) {
        char buf[32];
        std::snprintf(buf, sizeof(buf), "_megaraid_disk_%02d", n);
        return label + buf;
      }
    }
    absl::StrAppend(&label, "_", kind, "_", kv.second);
    for (char& c : label) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) c = '_';
    }
  }
  return label;
}

std::vector<std::string> MakeDeviceLabelsUnique(std::vector<SmartDeviceSpec>* devices) {
  std::vector<std::string> collisions;
  std::map<std::string, size_t> by_label;  // label -> index in `kept`
  std::vector<SmartDeviceSpec> kept;
  for (size_t i = 0; i < devices->size(); ++i) {
    SmartDeviceSpec& d = (*devices)[i];
    auto it = by_label.find(d.label);
    if (it != by_label.end()) {
      const SmartDeviceSpec& first = kept[it->second];
      if (first.path == d.path && first.type == d.type) continue;  // listed twice
      std::string label = absl::StrCat(d.label, "_", i);
      for (int n = 1; by_label.count(label) != 0; ++n)
        label = absl::StrCat(d.label, "_", i, "_", n);
      collisions.push_back(absl::StrCat("device ", d.path, d.type.empty() ? "" : ":", d.type,
                                        " has the label \"", d.label, "\" of ", first.path,
                                        first.type.empty() ? "" : ":", first.type,
                                        ", exported as \"", label, "\""));
      d.label = std::move(label);
    }
    by_label.emplace(d.label, kept.size());
    kept.push_back(std::move(d));
  }
  *devices = std::move(kept);
  return collisions;
}

absl::StatusOr<std::vector<SmartDeviceSpec>> ParseDeviceList(absl::string_view text) {
  std::vector<SmartDeviceSpec> out;
  for (absl::string_view entry :
       absl::StrSplit(text, absl::ByAnyChar("; \t\n"), absl::SkipEmpty())) {
    // The type follows the last ':' when it looks like one (smartctl's -d values: a letter,
    // then letters, digits, ',', '+', '/'); /dev/disk/by-path names contain ':' themselves.
    std::pair<absl::string_view, absl::string_view> pt = {entry, ""};
    if (size_t colon = entry.rfind(':'); colon != absl::string_view::npos) {
      absl::string_view type = entry.substr(colon + 1);
      bool is_type = !type.empty() && absl::ascii_isalpha(static_cast<unsigned char>(type[0]));
      for (char c : type) {
        is_type = is_type && (absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == ',' ||
                              c == '+' || c == '/');
      }
      if (type.empty()) {
        return absl::InvalidArgumentError(absl::StrCat("\"", entry, "\" has an empty device type"));
      }
      if (is_type) pt = {entry.substr(0, colon), type};
    }
    if (!absl::StartsWith(pt.first, "/dev/") || pt.first.size() <= 5) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", entry, "\" is not PATH or PATH:TYPE with a /dev/ path"));
    }
    out.push_back(
        {std::string(pt.first), std::string(pt.second), DeviceLabel(pt.first, pt.second)});
  }
  return out;
}

absl::StatusOr<std::vector<SmartDeviceSpec>> ParseScanJson(absl::string_view text) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return absl::InvalidArgumentError("smartctl --scan-open: output is not a JSON object");
  }
  std::vector<SmartDeviceSpec> out;
  const Json* devices = Find(j, "devices");
  if (devices == nullptr) return out;  // no devices: smartctl omits the array
  if (!devices->is_array()) {
    return absl::InvalidArgumentError("smartctl --scan-open: \"devices\" is not an array");
  }
  for (const Json& d : *devices) {
    std::string name = Str(d, "name");
    if (!absl::StartsWith(name, "/dev/")) continue;
    std::string type = Str(d, "type");
    out.push_back({name, type, DeviceLabel(name, type)});
  }
  return out;
}

std::string DescribeExitStatus(int status) {
  std::vector<absl::string_view> names;
  for (int bit = 0; bit < 8; ++bit) {
    if (status & (1 << bit)) names.push_back(kExitBitNames[bit]);
  }
  return absl::StrJoin(names, ",");
}

absl::StatusOr<SmartReport> ParseSmartctlJson(absl::string_view text) {
  // smartmontools < 7.3 could print this line before the JSON (smartctl_exporter strips it too).
  text = absl::StripPrefix(text, "  Pending defect count:");
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return absl::InvalidArgumentError(
        absl::StrCat("smartctl output is not valid JSON (", text.size(), " bytes; truncated?)"));
  }
  if (!j.is_object()) return absl::InvalidArgumentError("smartctl output is not a JSON object");
  const Json* exit_status = Find(j, "smartctl.exit_status");
  if (exit_status == nullptr || !exit_status->is_number_integer()) {
    return absl::InvalidArgumentError("smartctl output has no integer smartctl.exit_status");
  }
  SmartReport r;
  try {
    r.exit_status = exit_status->get<int>();
    if (const Json* msgs = Find(j, "smartctl.messages"); msgs && msgs->is_array()) {
      for (const Json& m : *msgs) {
        std::string s = Str(m, "string");
        std::string severity = Str(m, "severity");
        if (severity == "error") r.errors.push_back(s);
        // ataprint.cpp/smartctl.cpp with -n: "Device is in STANDBY mode, exit(2)" (information)
        static const std::string kPrefix = "Device is in ";
        size_t at = s.find(kPrefix);
        size_t mode_end = s.find(" mode, exit(");
        if (at != std::string::npos && mode_end != std::string::npos && mode_end > at) {
          r.low_power = true;
          r.power_mode = s.substr(at + kPrefix.size(), mode_end - at - kPrefix.size());
        }
      }
    }
    std::vector<std::string> version;
    if (const Json* v = Find(j, "json_format_version"); v && v->is_array()) {
      for (const Json& n : *v) {
        if (n.is_number_integer()) version.push_back(std::to_string(n.get<int64_t>()));
      }
    }
    std::string smartctl_version;
    if (const Json* v = Find(j, "smartctl.version"); v && v->is_array()) {
      std::vector<std::string> parts;
      for (const Json& n : *v) {
        if (n.is_number_integer()) parts.push_back(std::to_string(n.get<int64_t>()));
      }
      smartctl_version = absl::StrJoin(parts, ".");
    }
    r.version = {{"json_format_version", absl::StrJoin(version, ".")},
                 {"smartctl_version", smartctl_version},
                 {"svn_revision", Str(j, "smartctl.svn_revision")},
                 {"build_info", Str(j, "smartctl.build_info")}};
    if (!r.low_power) BuildSamples(j, &r);
  } catch (const std::exception& e) {  // a shape we did not anticipate must not escape
    return absl::InvalidArgumentError(absl::StrCat("smartctl output: ", e.what()));
  }
  return r;
}

}  // namespace hostmon::agent::smart
