// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/common/metric_name.h"

#include "absl/strings/ascii.h"

namespace hostmon::agent {
namespace {

bool IsNameChar(char c) { return absl::ascii_isalnum(c) || c == '_'; }

}  // namespace

void SanitizeMetricName(absl::string_view name, std::string* out) {
  out->clear();
  size_t i = 0;
  while (i < name.size()) {
    if (IsNameChar(name[i])) {
      // A run of '_' directly before an invalid character belongs to the replaced run.
      size_t j = i;
      while (j < name.size() && name[j] == '_') ++j;
      if (j > i && j < name.size() && !IsNameChar(name[j])) {
        i = j;
        continue;
      }
      out->append(name.data() + i, j > i ? j - i : 1);
      i = j > i ? j : i + 1;
      continue;
    }
    while (i < name.size() && !IsNameChar(name[i])) ++i;
    while (i < name.size() && name[i] == '_') ++i;
    out->push_back('_');
  }
}

}  // namespace hostmon::agent
