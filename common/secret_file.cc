// SPDX-License-Identifier: Apache-2.0
#include "common/secret_file.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/fs_root.h"

namespace hostmon::common {

absl::StatusOr<std::string> ReadSecretFile(const std::string& path) {
  std::string text;
  if (absl::Status s = ReadFileTo(path, &text); !s.ok()) return s;
  return std::string(absl::StripAsciiWhitespace(text));
}

std::string ResolveRelativeTo(absl::string_view base_file, absl::string_view path) {
  if (path.empty() || path.front() == '/') return std::string(path);
  const size_t slash = base_file.rfind('/');
  if (slash == absl::string_view::npos) return std::string(path);  // base in the working dir
  return absl::StrCat(base_file.substr(0, slash + 1), path);
}

}  // namespace hostmon::common
