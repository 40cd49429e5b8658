// SPDX-License-Identifier: Apache-2.0
//
// Parser for /proc/slabinfo version 2.1 (mm/slab_common.c, slabinfo_show; root-only, mode 0400),
// e.g.
//
//   slabinfo - version: 2.1
//   # name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables ...
//   tw_sock_TCP          704    864    256   32    2 : tunables    0    0    0 : slabdata     27 27
//   0
#pragma once

#include <cstdint>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

struct SlabEntry {
  absl::string_view name;
  int64_t active_objects = 0, objects = 0, object_size = 0, objects_per_slab = 0,
          pages_per_slab = 0;
};

// Calls fn(entry) for each cache line. Errors (naming `file` and the line): a first line that is
// not "slabinfo - version: 2.1", a cache line without the 16 fields of that version, a number
// that is not a decimal int64.
absl::Status ParseSlabinfo(absl::string_view text, absl::string_view file,
                           absl::FunctionRef<void(const SlabEntry&)> fn);

}  // namespace hostmon::agent
