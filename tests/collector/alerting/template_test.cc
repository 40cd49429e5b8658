// SPDX-License-Identifier: Apache-2.0
#include "collector/alerting/template.h"

#include <catch2/catch.hpp>
#include <string>

namespace hostmon::collector::alerting {
namespace {

TEST_CASE("Templates render $value, $labels and humanize functions", "[alerting]") {
  const LabelPairs labels = {{"device", "sda"}, {"instance", "web1"}};
  auto render = [&](const std::string& text, double v) {
    absl::StatusOr<Template> t = Template::Parse(text);
    INFO(text << ": " << t.status().ToString());
    REQUIRE(t.ok());
    return t->Render(v, labels);
  };
  CHECK(render("{{ $labels.instance }}/{{$labels.device}}: {{ $value }}", 12.5) ==
        "web1/sda: 12.5");
  CHECK(render("{{ $labels.missing }}x", 1) == "x");
  CHECK(render("{{ printf \"%.1f\" $value }}%", 87.6543) == "87.7%");
  CHECK(render("{{ printf \"%05.1f%%\" $value }}", 7.26) == "007.3%");
  CHECK(render("{{ $value | humanize }}", 1234567) == "1.235M");
  CHECK(render("{{ humanize $value }}", 0.0025) == "2.5m");
  CHECK(render("{{ $value | humanize1024 }}", 2048) == "2Ki");
  CHECK(render("{{ $value | humanizePercentage }}", 0.256) == "25.6%");
  CHECK(render("{{ $value | humanizeDuration }}", 3725) == "1h 2m 5s");
  CHECK(render("{{ $value | humanizeDuration }}", 12.5) == "12.5s");
  // Past the int64 range of seconds (the cast was undefined behaviour; fuzz_config found 1e300).
  CHECK(render("{{ $value | humanizeDuration }}", 1e300) == "1e+300s");
  CHECK(render("{{ $value | humanizeDuration }}", -1e19) == "-1e+19s");
  CHECK(render("{{ $value | humanizeDuration }}", 9e18) == "104166666666666d 16h 0m 0s");
  CHECK(render("no actions", 1) == "no actions");
  CHECK_FALSE(Template::Parse("{{ $value ").ok());
  CHECK_FALSE(Template::Parse("{{ .Value }}").ok());
  CHECK_FALSE(Template::Parse("{{ printf \"%d\" $value }}").ok());
  CHECK_FALSE(Template::Parse("{{ printf \"%f %f\" $value }}").ok());
  CHECK_FALSE(Template::Parse("{{ $labels.a-b }}").ok());
}

}  // namespace
}  // namespace hostmon::collector::alerting
