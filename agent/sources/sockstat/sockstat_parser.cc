// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/sockstat/sockstat_parser.h"

#include "absl/strings/str_cat.h"
#include "common/text_parse.h"

namespace hostmon::agent {

absl::Status ParseSockstat(absl::string_view text, absl::string_view file,
                           std::vector<SockstatValue>* out) {
  common::Fields fields;
  absl::string_view line;
  size_t line_no = 0;
  while (common::NextLine(&text, &line)) {
    ++line_no;
    common::SplitFields(line, &fields);
    if (fields.empty()) continue;
    absl::string_view protocol = fields[0];
    if (protocol.size() < 2 || protocol.back() != ':') {
      return absl::InvalidArgumentError(
          absl::StrCat(file, " line ", line_no, ": expected \"<PROTO>:\", got \"", protocol, "\""));
    }
    protocol.remove_suffix(1);
    if ((fields.size() - 1) % 2 != 0 || fields.size() == 1) {
      return absl::InvalidArgumentError(
          absl::StrCat(file, " line ", line_no, " (", protocol, "): expected key/value pairs"));
    }
    for (size_t i = 1; i + 1 < fields.size(); i += 2) {
      SockstatValue& v = out->emplace_back();
      v.protocol = protocol;
      v.key = fields[i];
      absl::Status status = common::ParseInt64(fields[i + 1], fields[i], &v.value);
      if (!status.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat(file, " line ", line_no, " (", protocol, "): ", status.message()));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace hostmon::agent
