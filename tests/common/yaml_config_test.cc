// SPDX-License-Identifier: Apache-2.0
#include "common/yaml_config.h"

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "fakes/temp_dir.h"

namespace hostmon::common {
namespace {

YamlConfig MustParse(const std::string& text) {
  auto y = YamlConfig::Parse(text, "t.yaml");
  if (!y.ok()) FAIL("parse failed: " << y.status().message());
  return *std::move(y);
}

std::string Msg(const absl::Status& s) { return std::string(s.message()); }

TEST_CASE("YamlConfig parses an empty or comment-only file as an empty map", "[common][yaml]") {
  for (const char* text : {"", "\n", "# just a comment\n", "---\n"}) {
    INFO("text: \"" << text << "\"");
    auto y = YamlConfig::Parse(text, "empty.yaml");
    REQUIRE(y.ok());
    CHECK(y->root().IsMap());
    CHECK(y->root().size() == 0);
    CHECK(y->CheckKeys(y->root(), "", {"a"}).ok());
    std::string s = "untouched";
    CHECK(y->GetString(y->root(), "a", "", &s).ok());
    CHECK(s == "untouched");
  }
}

TEST_CASE("YamlConfig syntax errors name the file and line", "[common][yaml]") {
  SECTION("bad indentation") {
    auto y = YamlConfig::Parse("a: 1\nb: 2\n  c: 3\n", "bad.yaml");
    REQUIRE_FALSE(y.ok());
    CHECK(y.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(Msg(y.status()), Catch::Contains("bad.yaml:3:"));
    CHECK_THAT(Msg(y.status()), Catch::Contains("YAML syntax error"));
  }
  SECTION("tab indentation") {
    auto y = YamlConfig::Parse("a:\n\tb: 1\n", "tab.yaml");
    REQUIRE_FALSE(y.ok());
    CHECK_THAT(Msg(y.status()), Catch::Contains("tab.yaml:2:"));
  }
  SECTION("unclosed flow sequence") {
    auto y = YamlConfig::Parse("a: 1\nb: [1, 2\n", "flow.yaml");
    REQUIRE_FALSE(y.ok());
    CHECK_THAT(Msg(y.status()), Catch::StartsWith("flow.yaml:"));
    CHECK_THAT(Msg(y.status()), Catch::Contains("YAML syntax error"));
  }
}

TEST_CASE("YamlConfig requires a mapping at the top level", "[common][yaml]") {
  for (const char* text : {"- a\n- b\n", "just a string\n", "42\n"}) {
    INFO(text);
    auto y = YamlConfig::Parse(text, "top.yaml");
    REQUIRE_FALSE(y.ok());
    CHECK_THAT(Msg(y.status()), Catch::Contains("top.yaml:1"));
    CHECK_THAT(Msg(y.status()), Catch::Contains("top level must be a mapping"));
  }
}

TEST_CASE("YamlConfig::Load reads a file and names it in errors", "[common][yaml]") {
  testing::ScopedTempDir dir;
  std::string good = dir.Write("good.yaml", "a: hello\n");
  auto y = YamlConfig::Load(good);
  REQUIRE(y.ok());
  std::string v;
  REQUIRE(y->GetString(y->root(), "a", "", &v).ok());
  CHECK(v == "hello");

  std::string bad = dir.Write("bad.yaml", "a: 1\n b: 2\n");
  auto b = YamlConfig::Load(bad);
  REQUIRE_FALSE(b.ok());
  CHECK_THAT(Msg(b.status()), Catch::Contains(bad + ":2"));

  std::string missing = dir.File("missing.yaml");
  auto m = YamlConfig::Load(missing);
  REQUIRE_FALSE(m.ok());
  CHECK(m.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(Msg(m.status()), Catch::Contains(missing));
}

TEST_CASE("YamlConfig CheckKeys names an unknown key, its path and its line", "[common][yaml]") {
  YamlConfig y = MustParse("log:\n  level: info\n  colour: red\n");
  CHECK(y.CheckKeys(y.root(), "", {"log"}).ok());
  YAML::Node log;
  REQUIRE(y.GetMap(y.root(), "log", "", &log).ok());
  absl::Status s = y.CheckKeys(log, "log", {"level"});
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(Msg(s), Catch::Contains("t.yaml:3"));
  CHECK_THAT(Msg(s), Catch::Contains("\"log.colour\""));
  CHECK_THAT(Msg(s), Catch::Contains("unknown key"));
  CHECK_THAT(Msg(s), Catch::Contains("allowed: level"));
}

TEST_CASE("YamlConfig CheckKeys at the top level names the bare key", "[common][yaml]") {
  YamlConfig y = MustParse("a: 1\n\nintervall: 5s\n");
  absl::Status s = y.CheckKeys(y.root(), "", {"a", "interval"});
  CHECK_THAT(Msg(s), Catch::Contains("t.yaml:3: field \"intervall\": unknown key"));
  CHECK_THAT(Msg(s), Catch::Contains("allowed: a, interval"));
}

TEST_CASE("YamlConfig CheckKeys rejects keys that are not plain strings", "[common][yaml]") {
  YamlConfig y = MustParse("? [a, b]\n: 1\n");
  absl::Status s = y.CheckKeys(y.root(), "", {"a"});
  CHECK_FALSE(s.ok());
  CHECK_THAT(Msg(s), Catch::Contains("keys must be plain strings"));
}

TEST_CASE("YamlConfig getters read values of the right shape", "[common][yaml]") {
  YamlConfig y = MustParse(
      "s: hello\n"
      "n: 9710\n"
      "b1: true\n"
      "b2: no\n"
      "d: 1m30s\n"
      "i: -42\n"
      "l: [a, b]\n"
      "m: {x: '1', y: two}\n"
      "sub: {k: v}\n");
  const YAML::Node& r = y.root();
  std::string s;
  REQUIRE(y.GetString(r, "s", "", &s).ok());
  CHECK(s == "hello");
  REQUIRE(y.GetString(r, "n", "", &s).ok());
  CHECK(s == "9710");
  bool b = false;
  REQUIRE(y.GetBool(r, "b1", "", &b).ok());
  CHECK(b);
  REQUIRE(y.GetBool(r, "b2", "", &b).ok());
  CHECK_FALSE(b);
  absl::Duration d;
  REQUIRE(y.GetDuration(r, "d", "", &d).ok());
  CHECK(d == absl::Seconds(90));
  int64_t i = 0;
  REQUIRE(y.GetInt(r, "i", "", &i).ok());
  CHECK(i == -42);
  std::vector<std::string> l{"old"};
  REQUIRE(y.GetStringList(r, "l", "", &l).ok());
  CHECK(l == std::vector<std::string>{"a", "b"});
  std::map<std::string, std::string> m;
  REQUIRE(y.GetStringMap(r, "m", "", &m).ok());
  CHECK(m == std::map<std::string, std::string>{{"x", "1"}, {"y", "two"}});
  YAML::Node sub;
  REQUIRE(y.GetMap(r, "sub", "", &sub).ok());
  REQUIRE(sub.IsMap());
  CHECK(sub["k"].Scalar() == "v");
}

TEST_CASE("YamlConfig GetBool accepts the YAML 1.1 spellings", "[common][yaml]") {
  YamlConfig y = MustParse("a: yes\nb: on\nc: off\nd: false\n");
  bool v = false;
  REQUIRE(y.GetBool(y.root(), "a", "", &v).ok());
  CHECK(v);
  v = false;
  REQUIRE(y.GetBool(y.root(), "b", "", &v).ok());
  CHECK(v);
  REQUIRE(y.GetBool(y.root(), "c", "", &v).ok());
  CHECK_FALSE(v);
  v = true;
  REQUIRE(y.GetBool(y.root(), "d", "", &v).ok());
  CHECK_FALSE(v);
}

TEST_CASE("YamlConfig getters leave the target untouched for absent and null keys",
          "[common][yaml]") {
  YamlConfig y = MustParse("present_null:\ntilde: ~\n");
  const YAML::Node& r = y.root();
  for (const char* key : {"absent", "present_null", "tilde"}) {
    INFO(key);
    std::string s = "keep";
    CHECK(y.GetString(r, key, "", &s).ok());
    CHECK(s == "keep");
    bool b = true;
    CHECK(y.GetBool(r, key, "", &b).ok());
    CHECK(b);
    absl::Duration d = absl::Seconds(7);
    CHECK(y.GetDuration(r, key, "", &d).ok());
    CHECK(d == absl::Seconds(7));
    int64_t i = 5;
    CHECK(y.GetInt(r, key, "", &i).ok());
    CHECK(i == 5);
    std::vector<std::string> l{"keep"};
    CHECK(y.GetStringList(r, key, "", &l).ok());
    CHECK(l == std::vector<std::string>{"keep"});
    std::map<std::string, std::string> m{{"k", "v"}};
    CHECK(y.GetStringMap(r, key, "", &m).ok());
    CHECK(m.size() == 1);
    YAML::Node n;
    CHECK(y.GetMap(r, key, "", &n).ok());
    CHECK(n.IsMap());  // absent maps read as empty maps so CheckKeys and lookups still work
    CHECK(n.size() == 0);
  }
}

struct WrongType {
  const char* text;
  const char* expect;  // in the error message
};

TEST_CASE("YamlConfig getters reject wrong types naming file, line and field", "[common][yaml]") {
  SECTION("GetMap") {
    for (const char* text : {"x: 1\nsec: scalar\n", "x: 1\nsec: [a]\n"}) {
      INFO(text);
      YamlConfig y = MustParse(text);
      YAML::Node n;
      absl::Status s = y.GetMap(y.root(), "sec", "top", &n);
      CHECK(s.code() == absl::StatusCode::kInvalidArgument);
      CHECK_THAT(Msg(s), Catch::Contains("t.yaml:2: field \"top.sec\": expected a mapping"));
    }
  }
  SECTION("GetString") {
    for (const char* text : {"x: 1\nv: [a, b]\n", "x: 1\nv: {a: b}\n"}) {
      INFO(text);
      YamlConfig y = MustParse(text);
      std::string v = "keep";
      absl::Status s = y.GetString(y.root(), "v", "", &v);
      CHECK_THAT(Msg(s), Catch::Contains("t.yaml:2: field \"v\": expected a string"));
      CHECK(v == "keep");
    }
  }
  SECTION("GetBool") {
    for (WrongType c :
         {WrongType{"x: 1\nv: maybe\n", "got \"maybe\""}, WrongType{"x: 1\nv: 2\n", "got \"2\""},
          WrongType{"x: 1\nv: [true]\n", "expected true or false"}}) {
      INFO(c.text);
      YamlConfig y = MustParse(c.text);
      bool v = true;
      absl::Status s = y.GetBool(y.root(), "v", "p", &v);
      CHECK_THAT(Msg(s), Catch::Contains("t.yaml:2: field \"p.v\": expected true or false"));
      CHECK_THAT(Msg(s), Catch::Contains(c.expect));
      CHECK(v);
    }
  }
  SECTION("GetDuration") {
    for (WrongType c :
         {WrongType{"x: 1\nv: 15\n", "got \"15\""}, WrongType{"x: 1\nv: -1s\n", "got \"-1s\""},
          WrongType{"x: 1\nv: soon\n", "got \"soon\""}, WrongType{"x: 1\nv: 1d\n", "got \"1d\""},
          WrongType{"x: 1\nv: [1s]\n", "expected a duration"}}) {
      INFO(c.text);
      YamlConfig y = MustParse(c.text);
      absl::Duration v = absl::Seconds(3);
      absl::Status s = y.GetDuration(y.root(), "v", "p", &v);
      CHECK_THAT(Msg(s), Catch::Contains("t.yaml:2: field \"p.v\": expected a duration"));
      CHECK_THAT(Msg(s), Catch::Contains(c.expect));
      CHECK(v == absl::Seconds(3));
    }
  }
  SECTION("GetInt") {
    for (WrongType c :
         {WrongType{"x: 1\nv: 1.5\n", "got \"1.5\""}, WrongType{"x: 1\nv: ten\n", "got \"ten\""},
          WrongType{"x: 1\nv: 99999999999999999999\n", "got \"99999999999999999999\""},
          WrongType{"x: 1\nv: {a: 1}\n", "expected an integer"}}) {
      INFO(c.text);
      YamlConfig y = MustParse(c.text);
      int64_t v = 0;
      absl::Status s = y.GetInt(y.root(), "v", "p", &v);
      CHECK_THAT(Msg(s), Catch::Contains("t.yaml:2: field \"p.v\": expected an integer"));
      CHECK_THAT(Msg(s), Catch::Contains(c.expect));
    }
  }
  SECTION("GetStringList") {
    for (const char* text : {"x: 1\nv: a\n", "x: 1\nv: {a: b}\n"}) {
      INFO(text);
      YamlConfig y = MustParse(text);
      std::vector<std::string> v{"keep"};
      absl::Status s = y.GetStringList(y.root(), "v", "", &v);
      CHECK_THAT(Msg(s), Catch::Contains("t.yaml:2: field \"v\": expected a list of strings"));
      CHECK(v == std::vector<std::string>{"keep"});
    }
    // A bad element is reported at its own line, and nothing is half-written.
    YamlConfig y = MustParse("v:\n  - a\n  - [b]\n");
    std::vector<std::string> v{"keep"};
    absl::Status s = y.GetStringList(y.root(), "v", "", &v);
    CHECK_THAT(Msg(s), Catch::Contains("t.yaml:3: field \"v\": expected a list of strings"));
    CHECK(v == std::vector<std::string>{"keep"});
  }
  SECTION("GetStringMap") {
    for (const char* text :
         {"x: 1\nv: a\n", "x: 1\nv: [a]\n", "x: 1\nv: {a: {b: c}}\n", "x: 1\nv: {a: [b]}\n"}) {
      INFO(text);
      YamlConfig y = MustParse(text);
      std::map<std::string, std::string> v;
      absl::Status s = y.GetStringMap(y.root(), "v", "", &v);
      CHECK_THAT(Msg(s), Catch::Contains("t.yaml:2: field \"v\": expected a mapping of strings"));
    }
  }
}

TEST_CASE("YamlConfig GetDuration accepts Go-style durations", "[common][yaml]") {
  YamlConfig y = MustParse("a: 500ms\nb: 2h45m\nc: 0s\nd: 1.5s\ne: 0\n");
  struct Case {
    const char* key;
    absl::Duration want;
  };
  for (Case c : {Case{"a", absl::Milliseconds(500)}, Case{"b", absl::Minutes(165)},
                 Case{"c", absl::ZeroDuration()}, Case{"d", absl::Milliseconds(1500)},
                 Case{"e", absl::ZeroDuration()}}) {
    INFO(c.key);
    absl::Duration d = absl::Seconds(99);
    REQUIRE(y.GetDuration(y.root(), c.key, "", &d).ok());
    CHECK(d == c.want);
  }
}

TEST_CASE("YamlConfig Where gives the 1-based line of a node", "[common][yaml]") {
  YamlConfig y = MustParse("a: 1\nb:\n  c: 2\n");
  CHECK(y.Where(y.root()["a"]) == "t.yaml:1");
  CHECK(y.Where(y.root()["b"]["c"]) == "t.yaml:3");
}

// Regression: yaml-cpp 0.7 keeps duplicate keys and lookups return the first one, so a repeated
// key silently ignored the later value (Go's yaml.v3 and Prometheus reject this).
TEST_CASE("YamlConfig rejects duplicate keys", "[common][yaml]") {
  auto y = YamlConfig::Parse("interval: 1s\ninterval: 30s\n", "dup.yaml");
  bool rejected = !y.ok() || !y->CheckKeys(y->root(), "", {"interval"}).ok();
  CHECK(rejected);
}

}  // namespace
}  // namespace hostmon::common
