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

TEST_CASE("RefMap sized for a batch of definitions holds exactly its refs", "[collector][refmap]") {
  RefMap<Entry> m;
  m.reserve(520, 520);
  CHECK(m.dense_size() == 521);  // refs 1..520: no room left unused
  for (uint32_t r = 520; r >= 1; --r) m.insert_or_assign(r, Entry{std::to_string(r)});
  CHECK(m.dense_size() == 521);
  CHECK(m.size() == 520);
  CHECK(m.find(1)->text == "1");
  CHECK(m.find(520)->text == "520");
  // A ref far beyond what is held stays sparse, reserved or not.
  m.reserve(4000000000u, 1);
  CHECK(m.dense_size() == 521);
  m.insert_or_assign(4000000000u, Entry{"far"});
  CHECK(m.find(4000000000u)->text == "far");
  // A sparse ref the vector then grows past moves into it.
  m.insert_or_assign(3000, Entry{"sparse"});
  CHECK(m.dense_size() == 521);
  m.reserve(3100, 600);
  CHECK(m.dense_size() == 3101);
  CHECK(m.find(3000)->text == "sparse");
  CHECK(m.size() == 522);
}

}  // namespace
}  // namespace hostmon::collector
