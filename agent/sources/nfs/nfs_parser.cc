// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/nfs/nfs_parser.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

// procN: the first value counts the ones that follow; at least `min` (the version's procedures
// node_exporter knows) for v2/v3; any count for v4, whose procedure list grew over the years.
// The next blank-separated token of *rest ("" at the end), consumed.
absl::string_view NextToken(absl::string_view* rest) {
  size_t i = 0;
  while (i < rest->size() && ((*rest)[i] == ' ' || (*rest)[i] == '\t')) ++i;
  size_t j = i;
  while (j < rest->size() && (*rest)[j] != ' ' && (*rest)[j] != '\t') ++j;
  const absl::string_view token = rest->substr(i, j - i);
  rest->remove_prefix(j);
  return token;
}

// Returns what is wrong, or "" when the counts were copied to `dest`.
std::string ParseProcedures(const uint64_t* values, size_t n, size_t min, uint64_t* dest,
                            size_t dest_size) {
  if (n == 0) return "no procedure count";
  if (values[0] != n - 1) {
    return absl::StrCat("procedure count ", values[0], " but ", n - 1, " values follow");
  }
  if (n - 1 < min) return absl::StrCat("expected at least ", min, " procedures, got ", n - 1);
  std::copy_n(values + 1, std::min(n - 1, dest_size), dest);
  return "";
}

}  // namespace

absl::Status ParseNfsClientStats(absl::string_view text, absl::string_view file,
                                 NfsClientStats* out) {
  *out = NfsClientStats();
  // Lines hold up to ~80 fields (proc4 on current kernels): tokenised in place into a fixed
  // array rather than a field vector, so a collection allocates nothing.
  uint64_t values[128];
  constexpr size_t kMaxValues = sizeof(values) / sizeof(values[0]);
  absl::string_view line;
  size_t line_no = 0;
  while (common::NextLine(&text, &line)) {
    ++line_no;
    absl::string_view rest = line;
    const absl::string_view group = NextToken(&rest);
    if (group != "net" && group != "rpc" && group != "proc2" && group != "proc3" &&
        group != "proc4") {
      continue;
    }
    size_t n = 0;
    for (absl::string_view token = NextToken(&rest); !token.empty(); token = NextToken(&rest)) {
      if (n == kMaxValues) {
        return common::LineError(file, line_no, line,
                                 absl::StrCat("more than ", kMaxValues, " values"));
      }
      absl::Status s = common::ParseUint64(token, group, &values[n++]);
      if (!s.ok()) return common::LineError(file, line_no, line, s.message());
    }
    std::string problem;
    if (group == "net") {
      if (n != 4)
        problem = absl::StrCat("expected 4 values, got ", n);
      else {
        out->udp_packets = values[1];
        out->tcp_packets = values[2];
        out->tcp_connections = values[3];
      }
    } else if (group == "rpc") {
      if (n != 3)
        problem = absl::StrCat("expected 3 values, got ", n);
      else {
        out->rpcs = values[0];
        out->retransmissions = values[1];
        out->auth_refreshes = values[2];
      }
    } else if (group == "proc2") {
      problem = ParseProcedures(values, n, 18, out->v2, 18);
    } else if (group == "proc3") {
      problem = ParseProcedures(values, n, 22, out->v3, 22);
    } else {
      problem = ParseProcedures(values, n, 0, out->v4, 59);
    }
    if (!problem.empty()) {
      return common::LineError(file, line_no, line, absl::StrCat(group, ": ", problem));
    }
  }
  return absl::OkStatus();
}

}  // namespace hostmon::agent
