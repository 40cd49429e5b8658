// SPDX-License-Identifier: Apache-2.0
// The one Catch2 main translation unit (it takes ~25 s to compile; never add a second one).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
