// SPDX-License-Identifier: Apache-2.0
#include "common/dynamic_library.h"

#include <dlfcn.h>

#include "absl/strings/str_cat.h"

namespace hostmon::common {

absl::Status LoadDynamicLibrary(absl::string_view user, const char* soname,
                                absl::string_view package,
                                std::initializer_list<DynamicSymbol> symbols) {
  void* lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) {
    const char* err = dlerror();
    return absl::FailedPreconditionError(absl::StrCat(user, ": cannot load ", soname, ": ",
                                                      err != nullptr ? err : "dlopen failed",
                                                      " (install package ", package, ")"));
  }
  for (const DynamicSymbol& s : symbols) {
    void* address = dlsym(lib, s.name());
    if (address == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat(user, ": ", soname, " lacks ", s.name(),
                                                        " (install a newer ", package, ")"));
    }
    s.Set(address);
  }
  return absl::OkStatus();
}

}  // namespace hostmon::common
