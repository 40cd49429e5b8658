// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/nvme/nvme_parser.h"

#include "absl/strings/ascii.h"

namespace hostmon::agent {

absl::string_view NvmeAttributeValue(absl::string_view text) {
  return absl::StripAsciiWhitespace(text);
}

}  // namespace hostmon::agent
