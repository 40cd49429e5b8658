// SPDX-License-Identifier: Apache-2.0
#include "agent/source_registry.h"

#include "absl/strings/str_cat.h"

namespace hostmon::agent {

absl::StatusOr<std::vector<const SourceInfo*>> SelectSources(
    const std::vector<SourceInfo>& all, bool disable_defaults,
    const std::map<std::string, bool>& switches) {
  for (const auto& [name, on] : switches) {
    bool known = false;
    for (const SourceInfo& info : all) known = known || info.name == name;
    if (!known) {
      std::string names;
      for (const SourceInfo& info : all)
        absl::StrAppend(&names, names.empty() ? "" : ", ", info.name);
      return absl::InvalidArgumentError(
          absl::StrCat("unknown source \"", name, "\" (known sources: ", names, ")"));
    }
  }
  std::vector<const SourceInfo*> selected;
  for (const SourceInfo& info : all) {
    bool on = info.enabled_by_default && !disable_defaults;
    if (auto it = switches.find(info.name); it != switches.end()) on = it->second;
    if (on) selected.push_back(&info);
  }
  return selected;
}

}  // namespace hostmon::agent
