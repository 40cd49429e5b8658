// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/diskstats/diskstats_parser.h"

#include <algorithm>
#include <limits>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

// Column names from Documentation/admin-guide/iostats.rst, for error messages.
constexpr absl::string_view kCounterNames[kDiskstatsMaxCounters] = {
    "reads completed",  "reads merged",      "sectors read",          "ms reading",
    "writes completed", "writes merged",     "sectors written",       "ms writing",
    "I/Os in progress", "ms doing I/O",      "weighted ms doing I/O", "discards completed",
    "discards merged",  "sectors discarded", "ms discarding",         "flush requests",
    "ms flushing"};

constexpr absl::string_view kUdevKeyNames[kNumUdevKeys] = {"ID_PATH",
                                                           "ID_WWN",
                                                           "ID_MODEL",
                                                           "ID_SERIAL_SHORT",
                                                           "ID_SERIAL",
                                                           "SCSI_IDENT_SERIAL",
                                                           "ID_REVISION",
                                                           "ID_FS_TYPE",
                                                           "ID_FS_USAGE",
                                                           "ID_FS_UUID",
                                                           "ID_FS_VERSION",
                                                           "DM_NAME",
                                                           "DM_UUID",
                                                           "DM_VG_NAME",
                                                           "DM_LV_NAME",
                                                           "DM_LV_LAYER",
                                                           "ID_ATA",
                                                           "ID_ATA_WRITE_CACHE",
                                                           "ID_ATA_WRITE_CACHE_ENABLED",
                                                           "ID_ATA_ROTATION_RATE_RPM"};

absl::Status LineError(size_t line_no, absl::string_view line, absl::string_view problem) {
  return common::LineError("/proc/diskstats", line_no, line, problem);
}

absl::Status ParseDeviceNumber(absl::string_view text, absl::string_view what) {
  uint64_t value;
  absl::Status status = common::ParseUint64(text, what, &value);
  if (!status.ok()) return status;
  if (value > std::numeric_limits<uint32_t>::max()) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": out of 32-bit range: \"", text, "\""));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ParseDiskstats(absl::string_view text, std::vector<DiskstatsLine>* out) {
  out->clear();
  common::Fields fields;
  size_t line_no = 0;
  absl::string_view line;
  while (common::NextLine(&text, &line)) {
    ++line_no;
    common::SplitFields(line, &fields);
    if (fields.empty()) continue;
    if (fields.size() < 3 + kDiskstatsMinCounters) {
      return LineError(
          line_no, line,
          absl::StrCat("expected major, minor, name and at least ", kDiskstatsMinCounters,
                       " counters, got ", fields.size(), " fields"));
    }
    DiskstatsLine& d = out->emplace_back();
    d.major = fields[0];
    d.minor = fields[1];
    d.device = fields[2];
    absl::Status status = ParseDeviceNumber(d.major, "major");
    if (status.ok()) status = ParseDeviceNumber(d.minor, "minor");
    if (!status.ok()) return LineError(line_no, line, status.message());
    d.num_counters = std::min(fields.size() - 3, kDiskstatsMaxCounters);
    for (size_t i = 0; i < d.num_counters; ++i) {
      status = common::ParseUint64(fields[3 + i], kCounterNames[i], &d.counters[i]);
      if (!status.ok()) return LineError(line_no, line, status.message());
    }
  }
  return absl::OkStatus();
}

void ParseUdevData(absl::string_view text, UdevDiskInfo* out) {
  *out = UdevDiskInfo();
  absl::string_view line;
  while (common::NextLine(&text, &line)) {
    if (!absl::ConsumePrefix(&line, "E:")) continue;
    const size_t eq = line.find('=');
    if (eq == absl::string_view::npos) continue;
    const absl::string_view key = line.substr(0, eq);
    const absl::string_view value = line.substr(eq + 1);
    // Later duplicates win, as with node_exporter's map.
    for (int k = 0; k < kNumUdevKeys; ++k) {
      if (key == kUdevKeyNames[k]) {
        out->values[k] = value;
        out->present[k] = true;
        break;
      }
    }
  }
}

}  // namespace hostmon::agent
