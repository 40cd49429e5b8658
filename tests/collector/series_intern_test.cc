// SPDX-License-Identifier: Apache-2.0
#include "collector/series_intern.h"

#include <catch2/catch.hpp>

#include "absl/strings/str_cat.h"

namespace hostmon::collector {
namespace {

namespace pb = ::hostmon::ingest::v1;

TEST_CASE("Interned series are shared by every holder of the same label set",
          "[collector][intern]") {
  SeriesInterner interner;
  Ref<Family> f1 = interner.InternFamily("node_cpu_seconds_total", pb::METRIC_TYPE_COUNTER, "h");
  Ref<Family> f2 = interner.InternFamily("node_cpu_seconds_total", pb::METRIC_TYPE_COUNTER, "h");
  CHECK(f1.get() == f2.get());
  Ref<SeriesDesc> a = interner.InternSeries(*f1, {{"cpu", "0"}, {"mode", "idle"}});
  Ref<SeriesDesc> b = interner.InternSeries(*f2, {{"cpu", "0"}, {"mode", "idle"}});
  Ref<SeriesDesc> c = interner.InternSeries(*f1, {{"cpu", "1"}, {"mode", "idle"}});
  CHECK(a.get() == b.get());
  CHECK(a.get() != c.get());
  CHECK(a->name.get() == f1->name.get());
  CHECK(a->label_text == "cpu=\"0\",mode=\"idle\"");
  CHECK(interner.series() == 2);
  CHECK(interner.names() == 1);
  // A family of the same name with another help is another family, of the same name.
  Ref<Family> f3 = interner.InternFamily("node_cpu_seconds_total", pb::METRIC_TYPE_COUNTER, "new");
  CHECK(f3.get() != f1.get());
  CHECK(f3->name.get() == f1->name.get());
}

TEST_CASE("Label values are escaped once, in the interned label text", "[collector][intern]") {
  SeriesInterner interner;
  Ref<Family> f = interner.InternFamily("x", pb::METRIC_TYPE_GAUGE, "");
  Ref<SeriesDesc> s = interner.InternSeries(*f, {{"path", "a\"b\\c\nd"}});
  CHECK(s->label_text == "path=\"a\\\"b\\\\c\\nd\"");
  CHECK(interner.InternSeries(*f, {})->label_text.empty());
}

TEST_CASE("The newest definition of a name gives its exposition header", "[collector][intern]") {
  SeriesInterner interner;
  Ref<Family> old_def = interner.InternFamily("x_total", pb::METRIC_TYPE_COUNTER, "Old help.");
  std::string out;
  interner.AppendFamilyHeader(*old_def->name, &out);
  CHECK(out == "# HELP x_total Old help.\n# TYPE x_total counter\n");
  Ref<Family> new_def = interner.InternFamily("x_total", pb::METRIC_TYPE_GAUGE, "New help.");
  out.clear();
  interner.AppendFamilyHeader(*old_def->name, &out);
  CHECK(out == "# HELP x_total New help.\n# TYPE x_total gauge\n");
  CHECK(interner.FindName("x_total").get() == old_def->name.get());
  CHECK_FALSE(interner.FindName("y"));
}

TEST_CASE("Entries nobody references are swept, so churn does not grow the tables",
          "[collector][intern]") {
  SeriesInterner interner;
  Ref<Family> kept_family = interner.InternFamily("kept", pb::METRIC_TYPE_GAUGE, "");
  Ref<SeriesDesc> kept = interner.InternSeries(*kept_family, {{"a", "1"}});
  {
    // Series that live briefly (containers' veths, short-lived mounts): each released at once.
    Ref<Family> f = interner.InternFamily("churn", pb::METRIC_TYPE_GAUGE, "");
    for (int i = 0; i < 20000; ++i) interner.InternSeries(*f, {{"id", absl::StrCat(i)}});
  }
  // Swept whenever the table reached its mark: bounded by the mark, not by the churn.
  CHECK(interner.series() <= 1025);
  CHECK(interner.families() <= 2);
  // The survivors are intact and still shared.
  CHECK(interner.InternSeries(*kept_family, {{"a", "1"}}).get() == kept.get());
  CHECK(kept->label_text == "a=\"1\"");
  // Series held while the table grows are never swept: the mark doubles instead.
  std::vector<Ref<SeriesDesc>> held;
  for (int i = 0; i < 3000; ++i) {
    held.push_back(interner.InternSeries(*kept_family, {{"b", absl::StrCat(i)}}));
  }
  CHECK(interner.series() >= 3001);
  for (int i = 0; i < 3000; ++i) {
    CHECK(held[i]->label_text == absl::StrCat("b=\"", i, "\""));
  }
}

TEST_CASE("Label name masks tell disjoint label sets apart", "[collector][intern]") {
  CHECK(LabelNameMask({}) == 0);
  const uint64_t host = LabelNameMask({{"instance", "h"}, {"job", "node"}});
  CHECK((LabelNameMask({{"instance", "x"}}) & host) != 0);
  CHECK((LabelNameMask({{"job", "x"}, {"cpu", "0"}}) & host) != 0);
}

}  // namespace
}  // namespace hostmon::collector
