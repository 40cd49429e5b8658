// SPDX-License-Identifier: Apache-2.0
//
// Repairing text that must be UTF-8 (label values). The check itself, IsValidUtf8, is with the
// other exposition rules in common/exposition_text.h; both share one decoder there.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace hostmon::common {

// Appends `text` with each run of bytes that are not valid UTF-8 replaced by one U+FFFD, as Go's
// strings.ToValidUTF8(text, "\uFFFD") (what node_exporter does to sysfs labels).
void AppendValidUtf8(absl::string_view text, std::string* out);

}  // namespace hostmon::common
