// SPDX-License-Identifier: Apache-2.0
//
// Secrets (passwords, tokens, keys) never appear in a config file or on the command line: the
// config names a file that holds the secret. One reader and one path rule for all of them (the
// IPMI and Redfish targets files, the collector's remote write and Alertmanager clients).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hostmon::common {

// The contents of the secret file `path` with leading and trailing ASCII white space removed,
// as Prometheus reads password_file and credentials_file: the newline that `echo` writes is not
// part of the secret (a secret that starts or ends with white space cannot be given this way;
// an IPMI K_g key can be written as 0x<hex> instead). `path` may be a credential ("%d/NAME",
// ExpandCredentialPath). An unreadable file is NotFound (it does not exist) or Unavailable,
// naming the path.
absl::StatusOr<std::string> ReadSecretFile(const std::string& path);

// Paths of secrets and TLS files may name a systemd credential (LoadCredential= in the unit):
// "%d/NAME" is $CREDENTIALS_DIRECTORY/NAME, as %d expands in a unit file. systemd copies the
// root-owned 0600 file there, readable by the service's user only, so the key or password never
// has to be readable by that user in /etc (docs/security.md). Other paths are returned unchanged.
// Error (FailedPrecondition, naming the path): "%d/" without $CREDENTIALS_DIRECTORY (the service
// was started without LoadCredential=, or by hand).
absl::StatusOr<std::string> ExpandCredentialPath(absl::string_view path);

// `path` as named inside the file `base_file`: "" and absolute paths are returned unchanged, a
// relative path is resolved against the directory that holds `base_file` (so a targets file
// and its password files can move together), e.g. ("/etc/hostmon/targets.yml", "bmc.pw") ->
// "/etc/hostmon/bmc.pw" and ("/targets.yml", "bmc.pw") -> "/bmc.pw". A credential path ("%d/NAME")
// is not relative.
std::string ResolveRelativeTo(absl::string_view base_file, absl::string_view path);

}  // namespace hostmon::common
