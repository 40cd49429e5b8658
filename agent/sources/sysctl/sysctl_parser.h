// SPDX-License-Identifier: Apache-2.0
//
// Kernel parameters under /proc/sys (kernel/sysctl.c, proc_dointvec & co.): a file per sysctl,
// its name's dots as slashes (fs.file-nr is /proc/sys/fs/file-nr), holding one or more values
// separated by white space, e.g.
//   fs/file-nr                    1024	0	1631329
//   kernel/threads-max            7801
//   kernel/seccomp/actions_avail  kill_process kill_thread trap errno user_notif trace log allow
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

// One entry of the include / include-info options, as node_exporter's --collector.sysctl.include
// ("fs.file-nr", or "fs.file-nr:total,current,max" to name each value).
struct SysctlSpec {
  std::string name;               // "fs.file-nr"
  std::vector<std::string> keys;  // "total", "current", "max"; empty: none named
};
// Splits an entry at its first ':' and the keys at ','. InvalidArgument for an empty name.
absl::StatusOr<SysctlSpec> ParseSysctlSpec(absl::string_view entry);

// node_exporter's SanitizeMetricName: every run of characters outside [0-9A-Za-z_], with the
// underscores around it, becomes one '_' ("fs.file-nr" -> "fs_file_nr").
std::string SanitizeSysctlName(absl::string_view name);

// The path of a sysctl below /proc/sys: dots become slashes.
std::string SysctlPath(absl::string_view name);

// The values of a sysctl file as node_exporter's procfs reads them: the first 128 bytes, split
// at white space (Go's strings.Fields). Views into `file_text`; *out is cleared first.
void SplitSysctlValues(absl::string_view file_text, std::vector<absl::string_view>* out);

}  // namespace hostmon::agent
