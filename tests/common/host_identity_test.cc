// SPDX-License-Identifier: Apache-2.0
#include "common/host_identity.h"

#include <catch2/catch.hpp>
#include <string>

namespace hostmon::common {
namespace {

std::string Msg(const absl::Status& s) { return std::string(s.message()); }

TEST_CASE("ValidateHostName accepts 1..253 bytes of UTF-8 without control characters",
          "[common][host_identity]") {
  CHECK(ValidateHostName("web1").ok());
  CHECK(ValidateHostName("web1.example.org").ok());
  CHECK(ValidateHostName("h\xC3\xA9te").ok());  // UTF-8 is allowed, as in label values
  CHECK(ValidateHostName(std::string(253, 'a')).ok());
  for (const std::string& bad :
       {std::string(), std::string(254, 'a'), std::string("bad\nname"), std::string("tab\there"),
        std::string("\xff\xfe", 2), std::string("del\x7f")}) {
    INFO(bad);
    absl::Status s = ValidateHostName(bad);
    CHECK(s.code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(Msg(s), Catch::Contains("1..253 bytes of UTF-8"));
  }
}

TEST_CASE("ValidateStaticLabel rejects invalid and reserved names and bad values",
          "[common][host_identity]") {
  CHECK(ValidateStaticLabel("job", "node").ok());
  CHECK(ValidateStaticLabel("dc", "fra\xC3\xA9").ok());
  CHECK(ValidateStaticLabel("dc", std::string(kMaxStaticLabelValueBytes, 'x')).ok());
  for (const char* name : {"__meta", "9lives", "with-dash", ""}) {
    INFO(name);
    CHECK_THAT(Msg(ValidateStaticLabel(name, "v")),
               Catch::Contains(std::string("label name \"") + name + "\" is not valid"));
  }
  CHECK_THAT(Msg(ValidateStaticLabel("instance", "x")), Catch::Contains("\"instance\""));
  CHECK_THAT(Msg(ValidateStaticLabel("dc", "fra\xC3")),
             Catch::Contains("label \"dc\": value is not UTF-8"));
  CHECK_THAT(Msg(ValidateStaticLabel("dc", std::string(kMaxStaticLabelValueBytes + 1, 'x'))),
             Catch::Contains("label \"dc\": value is longer than 4096 bytes"));
  CHECK_THAT(Msg(ValidateStaticLabel("dc", "xyz", 2)),
             Catch::Contains("value is longer than 2 bytes"));
}

}  // namespace
}  // namespace hostmon::common
