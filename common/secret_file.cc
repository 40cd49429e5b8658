// SPDX-License-Identifier: Apache-2.0
#include "common/secret_file.h"

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/fs_root.h"

namespace hostmon::common {

namespace {
constexpr absl::string_view kCredentialPrefix = "%d/";
}  // namespace

absl::StatusOr<std::string> ExpandCredentialPath(absl::string_view path) {
  if (!absl::StartsWith(path, kCredentialPrefix)) return std::string(path);
  const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
  if (dir == nullptr || dir[0] == '\0') {
    return absl::FailedPreconditionError(
        absl::StrCat(path,
                     ": names a systemd credential but $CREDENTIALS_DIRECTORY is not set "
                     "(add LoadCredential= to the unit, docs/security.md)"));
  }
  return absl::StrCat(dir, "/", path.substr(kCredentialPrefix.size()));
}

absl::StatusOr<std::string> ReadSecretFile(const std::string& path) {
  absl::StatusOr<std::string> file = ExpandCredentialPath(path);
  if (!file.ok()) return file.status();
  std::string text;
  if (absl::Status s = ReadFileTo(*file, &text); !s.ok()) return s;
  return std::string(absl::StripAsciiWhitespace(text));
}

std::string ResolveRelativeTo(absl::string_view base_file, absl::string_view path) {
  if (path.empty() || path.front() == '/' || absl::StartsWith(path, kCredentialPrefix)) {
    return std::string(path);
  }
  const size_t slash = base_file.rfind('/');
  if (slash == absl::string_view::npos) return std::string(path);  // base in the working dir
  return absl::StrCat(base_file.substr(0, slash + 1), path);
}

}  // namespace hostmon::common
