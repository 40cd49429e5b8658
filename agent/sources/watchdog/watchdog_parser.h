// SPDX-License-Identifier: Apache-2.0
//
// The watchdog class attributes in /sys/class/watchdog/<name>/ (drivers/watchdog/watchdog_dev.c),
// one value per file: numbers ("1", "60") and, for options and status, hexadecimal flags
// ("0x8380"), plus strings (identity "Software Watchdog", state "active"). Which files exist
// depends on the driver.
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

// A numeric attribute as node_exporter reads it (agent/sources/common/sysfs_value.h: 128 bytes,
// trimmed, Go's ParseInt base 0). The error names `file` and says whether the text is not a
// number or out of range.
absl::Status ParseWatchdogNumber(absl::string_view file_text, absl::string_view file, int64_t* out);

}  // namespace hostmon::agent
