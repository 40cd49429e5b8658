// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/softnet/softnet_parser.h"

#include "absl/strings/str_cat.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

constexpr size_t kMinColumns = 9;

}  // namespace

absl::Status ParseSoftnet(absl::string_view text, std::vector<SoftnetLine>* out) {
  constexpr absl::string_view kFile = "/proc/net/softnet_stat";
  out->clear();
  common::Fields fields;
  absl::string_view line;
  size_t line_no = 0;
  while (common::NextLine(&text, &line)) {
    ++line_no;
    common::SplitFields(line, &fields);
    if (fields.empty()) continue;
    if (fields.size() < kMinColumns) {
      return absl::InvalidArgumentError(absl::StrCat(kFile, " line ", line_no,
                                                     ": expected at least ", kMinColumns,
                                                     " columns, got ", fields.size()));
    }
    // Columns used: 1-3 and 9 always, 10 (received_rps), 11 (flow_limit_count), 12
    // (backlog_len) and 13 (cpu index) when present.
    constexpr size_t kUsed[] = {0, 1, 2, 8, 9, 10, 11, 12};
    uint64_t values[13] = {};
    for (size_t i : kUsed) {
      if (i >= fields.size()) break;
      if (!common::ParseHexUint64(fields[i], &values[i])) {
        return absl::InvalidArgumentError(absl::StrCat(kFile, " line ", line_no, " column ", i + 1,
                                                       ": not a hex number: \"", fields[i], "\""));
      }
    }
    SoftnetLine& entry = out->emplace_back();
    entry.processed = values[0];
    entry.dropped = values[1];
    entry.time_squeezed = values[2];
    entry.has_received_rps = fields.size() > 9;
    entry.received_rps = values[9];
    entry.has_flow_limit_count = fields.size() > 10;
    entry.flow_limit_count = values[10];
    entry.cpu_collision = values[8];
    entry.has_backlog_len = fields.size() > 12;
    entry.backlog_len = values[11];
    entry.cpu_index = entry.has_backlog_len ? values[12] : out->size() - 1;
  }
  return absl::OkStatus();
}

}  // namespace hostmon::agent
