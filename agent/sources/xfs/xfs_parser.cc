// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/xfs/xfs_parser.h"

#include "absl/strings/str_cat.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

// A group's expected counter counts (min..max: vnodes gained a "free" count) and where they go.
struct Group {
  absl::string_view name;
  size_t min_count, max_count;
  uint64_t* dest;  // the first `min_count` counters land here, in order
};

}  // namespace

absl::Status ParseXfsStats(absl::string_view text, absl::string_view file, XfsStats* out) {
  *out = XfsStats();
  uint64_t extent_alloc[4] = {};
  uint64_t rw[2] = {};
  const Group groups[] = {
      {"extent_alloc", 4, 4, extent_alloc},
      {"abt", 4, 4, out->abt},
      {"blk_map", 7, 7, out->blk_map},
      {"bmbt", 4, 4, out->bmbt},
      {"dir", 4, 4, out->dir},
      {"ig", 7, 7, out->ig},
      {"rw", 2, 2, rw},
      {"vnodes", 7, 8, out->vnodes},
  };
  size_t found = 0;
  common::Fields fields;
  absl::string_view line;
  size_t line_no = 0;
  while (common::NextLine(&text, &line)) {
    ++line_no;
    common::SplitFields(line, &fields);
    if (fields.empty()) continue;
    for (const Group& g : groups) {
      if (fields[0] != g.name) continue;
      const size_t n = fields.size() - 1;
      if (n < g.min_count || n > g.max_count) {
        return common::LineError(
            file, line_no, line,
            absl::StrCat(
                "group ", g.name, ": expected ", g.min_count,
                g.max_count != g.min_count ? absl::StrCat(" or ", g.max_count) : std::string(),
                " counters, got ", n));
      }
      for (size_t i = 0; i < n; ++i) {
        uint64_t v = 0;
        absl::Status s = common::ParseUint64(fields[1 + i], g.name, &v);
        if (!s.ok()) return common::LineError(file, line_no, line, s.message());
        if (i < g.min_count) g.dest[i] = v;
      }
      ++found;
      break;
    }
  }
  if (found == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(file, ": no XFS statistics group (extent_alloc, abt, ...) found"));
  }
  out->extents_allocated = extent_alloc[0];
  out->blocks_allocated = extent_alloc[1];
  out->extents_freed = extent_alloc[2];
  out->blocks_freed = extent_alloc[3];
  out->write_calls = rw[0];
  out->read_calls = rw[1];
  return absl::OkStatus();
}

}  // namespace hostmon::agent
