// SPDX-License-Identifier: Apache-2.0
#include "fakes/alloc_counter.h"

#include <cstdlib>
#include <new>

namespace {
thread_local bool g_counting = false;
thread_local size_t g_count = 0;
}  // namespace

void* operator new(std::size_t size) {
  if (g_counting) ++g_count;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
// The nothrow forms too: memory from a runtime's own nothrow new (AddressSanitizer's) must not
// reach the std::free below (Catch2 allocates its test registry with new(std::nothrow)).
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  if (g_counting) ++g_count;
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept {
  return operator new(size, tag);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace hostmon::testing {

AllocationCounter::AllocationCounter() {
  g_count = 0;
  g_counting = true;
}
AllocationCounter::~AllocationCounter() { g_counting = false; }
size_t AllocationCounter::count() const { return g_count; }

}  // namespace hostmon::testing
