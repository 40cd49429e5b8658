// SPDX-License-Identifier: Apache-2.0
//
// The DMI (SMBIOS) identification the kernel exports as one file per field in /sys/class/dmi/id/
// (drivers/firmware/dmi-id.c): bios_vendor, board_serial, product_uuid, ... each one line, e.g.
//
//   PowerEdge R6515
//
// Some are root-only (0400: serials, product_uuid); firmware may leave fields blank or fill them
// with bytes that are not UTF-8.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace hostmon::agent {

// One DMI attribute file's text as a label value, as node_exporter's dmi collector makes it: the
// first 128 bytes, whitespace-trimmed (agent/sources/common/sysfs_value.h), each run of bytes that
// is not UTF-8 replaced by one U+FFFD (Go's strings.ToValidUTF8).
std::string DmiLabelValue(absl::string_view file_text);

// The label node_exporter gives the attribute file `file` ("sys_vendor" -> "system_vendor"), or
// "" for a file that is not one of the fields it exports (modalias, uevent, chassis_type, ...).
absl::string_view DmiLabelFor(absl::string_view file);

}  // namespace hostmon::agent
