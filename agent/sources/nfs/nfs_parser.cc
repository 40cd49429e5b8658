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

// Calls fn(group, values, n, &problem) for each line whose group `known` accepts, after parsing
// its values (all of them: "th" lines of older kernels hold a histogram of decimals, accepted
// since they are only skipped). Lines hold up to ~80 fields (proc4ops on current kernels) and are
// tokenised in place into a fixed array, so a collection allocates nothing.
template <typename Known, typename Fn>
absl::Status ForEachGroup(absl::string_view text, absl::string_view file, Known known, Fn fn) {
  uint64_t values[128];
  constexpr size_t kMaxValues = sizeof(values) / sizeof(values[0]);
  absl::string_view line;
  size_t line_no = 0;
  while (common::NextLine(&text, &line)) {
    ++line_no;
    absl::string_view rest = line;
    const absl::string_view group = common::NextField(&rest);
    if (!known(group)) continue;
    size_t n = 0;
    for (absl::string_view token = common::NextField(&rest); !token.empty();
         token = common::NextField(&rest)) {
      if (n == kMaxValues) {
        return common::LineError(file, line_no, line,
                                 absl::StrCat("more than ", kMaxValues, " values"));
      }
      if (group == "th" && n >= 2) break;  // the thread histogram ("0.000 ..."), unused
      absl::Status s = common::ParseUint64(token, group, &values[n++]);
      if (!s.ok()) return common::LineError(file, line_no, line, s.message());
    }
    std::string problem = fn(group, values, n);
    if (!problem.empty()) {
      return common::LineError(file, line_no, line, absl::StrCat(group, ": ", problem));
    }
  }
  return absl::OkStatus();
}

std::string WantCount(size_t n, size_t want) {
  return n == want ? "" : absl::StrCat("expected ", want, " values, got ", n);
}

}  // namespace

absl::Status ParseNfsClientStats(absl::string_view text, absl::string_view file,
                                 NfsClientStats* out) {
  *out = NfsClientStats();
  const auto known = [](absl::string_view g) {
    return g == "net" || g == "rpc" || g == "proc2" || g == "proc3" || g == "proc4";
  };
  return ForEachGroup(text, file, known,
                      [out](absl::string_view group, const uint64_t* v, size_t n) {
                        if (group == "net") {
                          if (n != 4) return WantCount(n, 4);
                          out->udp_packets = v[1];
                          out->tcp_packets = v[2];
                          out->tcp_connections = v[3];
                        } else if (group == "rpc") {
                          if (n != 3) return WantCount(n, 3);
                          out->rpcs = v[0];
                          out->retransmissions = v[1];
                          out->auth_refreshes = v[2];
                        } else if (group == "proc2") {
                          return ParseProcedures(v, n, 18, out->v2, 18);
                        } else if (group == "proc3") {
                          return ParseProcedures(v, n, 22, out->v3, 22);
                        } else {
                          return ParseProcedures(v, n, 0, out->v4, 59);
                        }
                        return std::string();
                      });
}

absl::Status ParseNfsServerStats(absl::string_view text, absl::string_view file,
                                 NfsServerStats* out) {
  *out = NfsServerStats();
  const auto known = [](absl::string_view g) {
    return g == "rc" || g == "fh" || g == "io" || g == "th" || g == "ra" || g == "net" ||
           g == "rpc" || g == "proc2" || g == "proc3" || g == "proc4" || g == "proc4ops" ||
           g == "wdeleg_getattr";
  };
  return ForEachGroup(text, file, known,
                      [out](absl::string_view group, const uint64_t* v, size_t n) {
                        if (group == "rc") {
                          if (n != 3) return WantCount(n, 3);
                          out->reply_cache_hits = v[0];
                          out->reply_cache_misses = v[1];
                          out->reply_cache_nocache = v[2];
                        } else if (group == "fh") {
                          if (n != 5) return WantCount(n, 5);
                          out->stale_file_handles = v[0];
                        } else if (group == "io") {
                          if (n != 2) return WantCount(n, 2);
                          out->bytes_read = v[0];
                          out->bytes_written = v[1];
                        } else if (group == "th") {
                          if (n < 2) return WantCount(n, 2);
                          out->threads = v[0];
                        } else if (group == "ra") {
                          if (n != 12) return WantCount(n, 12);
                          out->read_ahead_cache_size = v[0];
                          out->read_ahead_not_found = v[11];
                        } else if (group == "net") {
                          if (n != 4) return WantCount(n, 4);
                          out->udp_packets = v[1];
                          out->tcp_packets = v[2];
                          out->tcp_connections = v[3];
                        } else if (group == "rpc") {
                          if (n != 5) return WantCount(n, 5);
                          out->rpcs = v[0];
                          out->bad_format = v[2];
                          out->bad_auth = v[3];
                          out->bad_client = v[4];
                        } else if (group == "proc2") {
                          return ParseProcedures(v, n, 18, out->v2, 18);
                        } else if (group == "proc3") {
                          return ParseProcedures(v, n, 22, out->v3, 22);
                        } else if (group == "proc4") {
                          uint64_t null_and_compound[2];
                          std::string p = ParseProcedures(v, n, 2, null_and_compound, 2);
                          if (p.empty() && n != 3)
                            return absl::StrCat("expected 2 procedures, got ", n - 1);
                          return p;
                        } else if (group == "proc4ops") {
                          if (n == 0 || v[0] != n - 1) {
                            return absl::StrCat("operation count ", n == 0 ? 0 : v[0], " but ",
                                                n == 0 ? 0 : n - 1, " values follow");
                          }
                          if (n - 1 < 39)
                            return absl::StrCat("expected at least 39 operations, got ", n - 1);
                          for (size_t i = 0; i < kNumNfsdV4Ops; ++i) {
                            const size_t pos = kNfsdV4Ops[i].position;
                            out->v4_ops[i] = pos < n ? v[pos] : 0;
                          }
                        } else {  // wdeleg_getattr
                          if (n != 1) return WantCount(n, 1);
                          out->wdeleg_getattr = v[0];
                        }
                        return std::string();
                      });
}

}  // namespace hostmon::agent
