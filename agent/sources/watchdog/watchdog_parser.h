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

// The at most 128 bytes node_exporter reads of an attribute (procfs' SysReadFile), trimmed.
absl::string_view WatchdogAttributeText(absl::string_view file_text);

// A numeric attribute as procfs parses it (strconv.ParseInt with base 0): optional sign, then
// decimal, "0x" hex, "0o" or leading-"0" octal, or "0b" binary. The error names `file`.
absl::Status ParseWatchdogNumber(absl::string_view file_text, absl::string_view file, int64_t* out);

}  // namespace hostmon::agent
