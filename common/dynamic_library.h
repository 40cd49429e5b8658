// SPDX-License-Identifier: Apache-2.0
//
// Optional shared libraries loaded with dlopen only when a source that needs them is switched on
// (libcurl for redfish, FreeIPMI for ipmi). Linked, they and their dependencies are mapped and
// relocated in every agent, which costs several MB of RSS on hosts that never read a BMC.
#pragma once

#include <cstring>
#include <initializer_list>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::common {

// One symbol to resolve and the pointer (to a function or to data) that receives its address.
class DynamicSymbol {
 public:
  template <typename T>
  DynamicSymbol(const char* name, T** out) : name_(name), out_(static_cast<void*>(out)) {
    static_assert(sizeof(T*) == sizeof(void*), "dlsym returns a void*");
  }
  const char* name() const { return name_; }
  // POSIX guarantees function pointers and void* convert (dlsym relies on it); memcpy avoids the
  // object/function pointer cast the standard leaves conditionally supported.
  void Set(void* address) const { std::memcpy(out_, &address, sizeof(address)); }

 private:
  const char* name_;
  void* out_;
};

// dlopen(RTLD_NOW | RTLD_LOCAL)s `soname` and resolves every symbol, or fails with
// FailedPrecondition: "<user>: cannot load <soname>: <dlerror> (install package <package>)" or
// "<user>: <soname> lacks <symbol> (install a newer <package>)". The library is never closed: its
// functions may be running on worker threads until the process exits. Not thread-safe; call it
// once, e.g. from a function-local static's initializer.
absl::Status LoadDynamicLibrary(absl::string_view user, const char* soname,
                                absl::string_view package,
                                std::initializer_list<DynamicSymbol> symbols);

}  // namespace hostmon::common
