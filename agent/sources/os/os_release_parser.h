// SPDX-License-Identifier: Apache-2.0
//
// Parser for os-release(5), the distribution's identification file (/etc/os-release, falling
// back to /usr/lib/os-release). Shell-style KEY=VALUE lines, e.g. on Debian 12:
//
//   PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
//   VERSION_ID="12"
//   ID=debian
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

// The keys node_exporter's os collector exports; others are ignored. Absent keys are "".
// Strings (not views) because quoted values are unescaped; their capacity is reused.
struct OsRelease {
  std::string build_id, id, id_like, image_id, image_version, name, pretty_name, variant,
      variant_id, version, version_codename, version_id;
};

// Parses os-release text into *out (all fields reset first). Blank lines and lines starting
// with '#' are skipped; "export " before a key is allowed. A value is unquoted (trailing blanks
// dropped), single-quoted (literal) or double-quoted (backslash escapes \" \\ \$ \` are
// unescaped). Error, naming the line, for a line without '=', an invalid key, or an
// unterminated quote. A repeated key replaces the earlier value.
absl::Status ParseOsRelease(absl::string_view text, OsRelease* out);

// node_os_version's value: the leading "major[.minor]" number of VERSION_ID ("22.04.3" ->
// 22.04, "12" -> 12), or 0 when VERSION_ID does not start with a digit or the number overflows a
// double.
double OsVersionNumber(absl::string_view version_id);

}  // namespace hostmon::agent
