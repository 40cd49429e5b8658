// SPDX-License-Identifier: Apache-2.0
//
// Counts heap allocations made by the current thread while a scope is active (the test binary
// replaces global operator new in alloc_counter.cc).
#pragma once

#include <cstddef>

namespace hostmon::testing {

class AllocationCounter {
 public:
  AllocationCounter();
  ~AllocationCounter();
  size_t count() const;
};

}  // namespace hostmon::testing
