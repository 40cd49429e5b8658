// SPDX-License-Identifier: Apache-2.0
//
// One file of /sys/devices/system/cpu/vulnerabilities/ (drivers/base/cpu.c,
// Documentation/ABI/testing/sysfs-devices-system-cpu): the kernel's one-line verdict on a CPU
// vulnerability, e.g.
//   Not affected
//   Vulnerable: Clear CPU buffers attempted, no microcode; SMT vulnerable
//   Mitigation: Retpolines, IBPB: conditional, STIBP: always-on, RSB filling
//   KVM: Mitigation: VMX disabled
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace hostmon::agent {

// A verdict split as node_exporter's procfs (sysfs/vulnerability.go) splits it: the state is
// "not affected", "vulnerable", "mitigation" or "unknown" by a case-insensitive prefix of the
// trimmed text; the mitigation is the words after the first one (single-spaced), "" for "not
// affected"; text with none of these prefixes is state "unknown" with the whole trimmed text as
// the mitigation. Never fails: every text is a verdict. *mitigation keeps its capacity.
struct CpuVulnerability {
  absl::string_view state;  // static string
  std::string mitigation;
};
void ParseCpuVulnerability(absl::string_view file_text, CpuVulnerability* out);

}  // namespace hostmon::agent
