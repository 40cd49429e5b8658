// SPDX-License-Identifier: Apache-2.0
#include "collector/ref_map.h"

#include <catch2/catch.hpp>
#include <string>

namespace hostmon::collector {
namespace {

struct Entry {
  std::string text;
  explicit operator bool() const { return !text.empty(); }
};

TEST_CASE("RefMap keeps dense and sparse refs, replacing on re-definition", "[collector][refmap]") {
  RefMap<Entry> m;
  CHECK_FALSE(m.contains(0));
  CHECK(m.find(5) == nullptr);
  for (uint32_t r = 1; r <= 600; ++r) m.insert_or_assign(r, Entry{std::to_string(r)});
  CHECK(m.size() == 600);
  m.insert_or_assign(7, Entry{"seven"});  // a re-definition replaces
  CHECK(m.size() == 600);
  CHECK(m.find(7)->text == "seven");
  // Far beyond the entries held: kept aside, not by growing the vector to 4 billion.
  m.insert_or_assign(4000000000u, Entry{"far"});
  m.insert_or_assign(100000, Entry{"sparse"});
  CHECK(m.size() == 602);
  CHECK(m.find(4000000000u)->text == "far");
  CHECK(m.find(100000)->text == "sparse");
  CHECK_FALSE(m.contains(99999));
  CHECK(m.find(600)->text == "600");
  CHECK_FALSE(m.contains(601));
}

TEST_CASE("RefMap moves sparse refs into the vector when it grows past them",
          "[collector][refmap]") {
  RefMap<Entry> m;
  m.insert_or_assign(3000, Entry{"early"});  // sparse while few are held
  for (uint32_t r = 1; r <= 2500; ++r) m.insert_or_assign(r, Entry{"x"});
  CHECK(m.size() == 2501);
  CHECK(m.find(3000)->text == "early");
  m.insert_or_assign(3000, Entry{"again"});
  CHECK(m.size() == 2501);
  CHECK(m.find(3000)->text == "again");
  for (uint32_t r = 2501; r <= 3500; ++r) {
    if (r != 3000) m.insert_or_assign(r, Entry{"y"});
  }
  CHECK(m.size() == 3500);
  CHECK(m.find(3000)->text == "again");
}

}  // namespace
}  // namespace hostmon::collector
