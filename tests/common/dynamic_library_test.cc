// SPDX-License-Identifier: Apache-2.0
// clang-format off
#include <catch2/catch.hpp>
// clang-format on

#include "common/dynamic_library.h"

#include <cstring>
#include <string>

namespace hostmon::common {
namespace {

using StrlenFn = size_t(const char*);

TEST_CASE("LoadDynamicLibrary resolves every symbol of a loaded library", "[dynamic_library]") {
  StrlenFn* my_strlen = nullptr;
  const absl::Status s =
      LoadDynamicLibrary("test", "libc.so.6", "libc6", {DynamicSymbol("strlen", &my_strlen)});
  REQUIRE(s.ok());
  REQUIRE(my_strlen != nullptr);
  CHECK(my_strlen("hostmon") == 7);
}

TEST_CASE("LoadDynamicLibrary names the missing library and the package to install",
          "[dynamic_library]") {
  StrlenFn* fn = nullptr;
  const absl::Status s = LoadDynamicLibrary("ipmi source", "libhostmon-absent.so.6",
                                            "libhostmon-absent6", {DynamicSymbol("strlen", &fn)});
  CHECK(absl::IsFailedPrecondition(s));
  const std::string msg(s.message());
  CHECK(msg.rfind("ipmi source: cannot load libhostmon-absent.so.6: ", 0) == 0);
  CHECK(msg.find("(install package libhostmon-absent6)") != std::string::npos);
  CHECK(fn == nullptr);
}

TEST_CASE("LoadDynamicLibrary names a symbol the library lacks", "[dynamic_library]") {
  StrlenFn* a = nullptr;
  StrlenFn* b = nullptr;
  const absl::Status s =
      LoadDynamicLibrary("redfish source", "libc.so.6", "libc6",
                         {DynamicSymbol("strlen", &a), DynamicSymbol("hostmon_no_such_fn", &b)});
  CHECK(absl::IsFailedPrecondition(s));
  CHECK(s.message() ==
        "redfish source: libc.so.6 lacks hostmon_no_such_fn (install a newer libc6)");
  CHECK(b == nullptr);
}

}  // namespace
}  // namespace hostmon::common
