// SPDX-License-Identifier: Apache-2.0
//
// The IPMI source's targets file (--source.ipmi.config=FILE): the BMCs read out-of-band over
// LAN 2.0 (RMCP+). Strict, like every hostmon config: an unknown key, a wrong type or a bad value
// is an error naming file:line and the field. Secrets never appear in the file or on the command
// line: each target names a password file (and optionally a K_g file).
//
//   targets:
//     - name: web-01-bmc            # the `target` label; unique
//       host: 10.1.2.3              # name or IPv4 address
//       port: 623                   # default 623
//       username: monitor
//       password_file: bmc.pw       # relative to this file's directory; common/secret_file.h
//       k_g_file: bmc.kg            # optional; raw bytes or 0x<hex>
//       cipher_suite: 3             # default 3 (HMAC-SHA1, HMAC-SHA1-96, AES-CBC-128)
//       privilege: user             # user | operator | admin; default user
//       workaround_flags: [opensesspriv]   # FreeIPMI -W names for LAN 2.0
//       timeout: 5s                 # deadline of a read; default: option target-timeout
//       collectors: [ipmi, sel]     # ipmi, chassis, sel, dcmi, bmc; default [ipmi, chassis]
//       exclude_sensor_ids: [12]    # SDR record IDs not exported
//       labels: {rack: a1}          # added to every sample of this target
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace hostmon::agent::ipmi {

// The shortest IPMI session timeout accepted (option target-timeout, a target's timeout).
inline constexpr absl::Duration kMinTargetTimeout = absl::Milliseconds(100);

// enum ipmi_monitoring_privilege
inline constexpr int kPrivilegeUser = 0;
inline constexpr int kPrivilegeOperator = 1;
inline constexpr int kPrivilegeAdmin = 2;

// What to read from a BMC; the names are ipmi_exporter's collector names (its ipmi_up label).
struct Collectors {
  bool sensors = true;  // "ipmi": SDR sensors
  bool chassis = true;  // "chassis": Get Chassis Status
  bool sel = false;     // "sel": Get SEL Info
  bool dcmi = false;    // "dcmi": DCMI Get Power Reading
  bool bmc = false;     // "bmc": Get Device ID
  bool Any() const { return sensors || AnyCommand(); }
  bool AnyCommand() const { return chassis || sel || dcmi || bmc; }
};

// Parses collector names ("ipmi", "chassis", "sel", "dcmi", "bmc"); an error names the bad one.
absl::Status ParseCollectors(const std::vector<std::string>& names, Collectors* out);

struct IpmiTarget {
  std::string name;
  std::string host;
  int port = 623;
  std::string username;
  std::string password;  // read from password_file
  std::string k_g;       // raw key bytes from k_g_file; empty: the password is the key
  int cipher_suite = 3;
  int privilege = kPrivilegeUser;
  unsigned int workaround_flags = 0;  // IPMI_MONITORING_WORKAROUND_FLAGS_PROTOCOL_VERSION_2_0_*
  absl::Duration timeout;
  Collectors collectors;
  std::vector<int64_t> exclude_sensor_ids;
  std::vector<std::pair<std::string, std::string>> labels;  // sorted by name
};

// FreeIPMI's -W name -> workaround bit for IPMI 2.0 sessions ("authcap", "intel20",
// "supermicro20", "sun20", "opensesspriv", "integritycheckvalue", "nochecksumcheck"); false for
// any other name.
bool WorkaroundFlag(const std::string& name, unsigned int* bit);

// Reads and validates the targets file; password and K_g files are read here too.
// `default_timeout` applies to targets without a timeout.
absl::StatusOr<std::vector<IpmiTarget>> LoadIpmiTargets(const std::string& path,
                                                        absl::Duration default_timeout);
// The same over text, as if it were the file `name`; relative secret files resolve against the
// directory of `base_file` (common::ResolveRelativeTo).
absl::StatusOr<std::vector<IpmiTarget>> ParseIpmiTargets(const std::string& text,
                                                         const std::string& name,
                                                         const std::string& base_file,
                                                         absl::Duration default_timeout);

}  // namespace hostmon::agent::ipmi
