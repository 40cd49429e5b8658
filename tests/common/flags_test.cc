// SPDX-License-Identifier: Apache-2.0
#include "common/flags.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace hostmon::common {
namespace {

// argv with the program name in front, as main() receives it.
class Args {
 public:
  Args(std::initializer_list<const char*> args) {
    ptrs_.push_back("prog");
    for (const char* a : args) ptrs_.push_back(a);
  }
  int argc() const { return static_cast<int>(ptrs_.size()); }
  const char* const* argv() const { return ptrs_.data(); }

 private:
  std::vector<const char*> ptrs_;
};

struct Targets {
  std::string address = "127.0.0.1:9710";
  std::string procfs = "/proc";
  bool once = false;
  bool cpu = true;
  absl::Duration interval = absl::Seconds(15);
  std::vector<std::string> labels;
};

void Register(FlagSet* flags, Targets* t) {
  flags->String("collector.address", &t->address, "Collector address");
  flags->String("path.procfs", &t->procfs, "procfs mount point");
  flags->Bool("once", &t->once, "Collect once");
  flags->Bool("source.cpu", &t->cpu, "CPU source");
  flags->Duration("collection.interval", &t->interval, "How often to collect");
  flags->StringList("label", &t->labels, "Static label");
}

absl::Status ParseArgs(Targets* t, FlagSet* flags, const Args& args) {
  Register(flags, t);
  return flags->Parse(args.argc(), args.argv());
}

TEST_CASE("FlagSet leaves every target at its value when no flags are given", "[common][flags]") {
  Targets t;
  FlagSet flags("prog");
  REQUIRE(ParseArgs(&t, &flags, Args{}).ok());
  CHECK(t.address == "127.0.0.1:9710");
  CHECK(t.procfs == "/proc");
  CHECK_FALSE(t.once);
  CHECK(t.cpu);
  CHECK(t.interval == absl::Seconds(15));
  CHECK(t.labels.empty());
  CHECK_FALSE(flags.IsSet("collector.address"));
  CHECK_FALSE(flags.help_requested());
}

TEST_CASE("FlagSet accepts both --name=value and --name value", "[common][flags]") {
  Targets t;
  FlagSet flags("prog");
  REQUIRE(ParseArgs(&t, &flags,
                    Args{"--collector.address=10.1.2.3:9710", "--path.procfs", "/host/proc"})
              .ok());
  CHECK(t.address == "10.1.2.3:9710");
  CHECK(t.procfs == "/host/proc");
}

TEST_CASE("FlagSet keeps everything after the first = as the value", "[common][flags]") {
  Targets t;
  FlagSet flags("prog");
  REQUIRE(ParseArgs(&t, &flags, Args{"--path.procfs=/a=b", "--label=dc=fra1"}).ok());
  CHECK(t.procfs == "/a=b");
  CHECK(t.labels == std::vector<std::string>{"dc=fra1"});
}

TEST_CASE("FlagSet accepts an explicitly empty value", "[common][flags]") {
  Targets t;
  FlagSet flags("prog");
  REQUIRE(ParseArgs(&t, &flags, Args{"--collector.address="}).ok());
  CHECK(t.address.empty());
  CHECK(flags.IsSet("collector.address"));
}

TEST_CASE("FlagSet later occurrences of a scalar flag win", "[common][flags]") {
  Targets t;
  FlagSet flags("prog");
  REQUIRE(ParseArgs(&t, &flags, Args{"--path.procfs=/a", "--path.procfs=/b"}).ok());
  CHECK(t.procfs == "/b");
}

TEST_CASE("FlagSet bool flags accept --x, --x=true|false|1|0 and --no-x", "[common][flags]") {
  SECTION("bare name sets true") {
    Targets t;
    FlagSet flags("prog");
    REQUIRE(ParseArgs(&t, &flags, Args{"--once"}).ok());
    CHECK(t.once);
    CHECK(flags.IsSet("once"));
  }
  SECTION("=false clears") {
    Targets t;
    FlagSet flags("prog");
    REQUIRE(ParseArgs(&t, &flags, Args{"--source.cpu=false"}).ok());
    CHECK_FALSE(t.cpu);
    CHECK(flags.IsSet("source.cpu"));
  }
  SECTION("=0 and =1") {
    Targets t;
    FlagSet flags("prog");
    REQUIRE(ParseArgs(&t, &flags, Args{"--source.cpu=0", "--once=1"}).ok());
    CHECK_FALSE(t.cpu);
    CHECK(t.once);
  }
  SECTION("=true sets") {
    Targets t;
    FlagSet flags("prog");
    REQUIRE(ParseArgs(&t, &flags, Args{"--once=true"}).ok());
    CHECK(t.once);
  }
  SECTION("--no-x clears and counts as set under the plain name") {
    Targets t;
    FlagSet flags("prog");
    REQUIRE(ParseArgs(&t, &flags, Args{"--no-source.cpu"}).ok());
    CHECK_FALSE(t.cpu);
    CHECK(flags.IsSet("source.cpu"));
    CHECK_FALSE(flags.IsSet("no-source.cpu"));
  }
}

TEST_CASE("FlagSet bool flags do not consume the next argument", "[common][flags]") {
  Targets t;
  FlagSet flags("prog");
  absl::Status s = ParseArgs(&t, &flags, Args{"--once", "false"});
  CHECK(t.once);
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(s.message()), Catch::Contains("unexpected argument \"false\""));
}

TEST_CASE("FlagSet rejects a bool value other than true/false/1/0", "[common][flags]") {
  Targets t;
  FlagSet flags("prog");
  absl::Status s = ParseArgs(&t, &flags, Args{"--once=maybe"});
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(s.message()), Catch::Contains("--once"));
  CHECK_THAT(std::string(s.message()), Catch::Contains("\"maybe\""));
  CHECK_FALSE(flags.IsSet("once"));
}

TEST_CASE("FlagSet --no- works only for bool flags and takes no value", "[common][flags]") {
  SECTION("string flag") {
    Targets t;
    FlagSet flags("prog");
    absl::Status s = ParseArgs(&t, &flags, Args{"--no-path.procfs"});
    CHECK(s.code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(std::string(s.message()), Catch::Contains("unknown flag --no-path.procfs"));
    CHECK(t.procfs == "/proc");
  }
  SECTION("with a value") {
    Targets t;
    FlagSet flags("prog");
    absl::Status s = ParseArgs(&t, &flags, Args{"--no-source.cpu=true"});
    CHECK_THAT(std::string(s.message()), Catch::Contains("unknown flag --no-source.cpu"));
    CHECK(t.cpu);
  }
}

TEST_CASE("FlagSet parses Go-style durations", "[common][flags]") {
  struct Case {
    const char* arg;
    absl::Duration want;
  };
  for (const Case& c : {Case{"--collection.interval=500ms", absl::Milliseconds(500)},
                        Case{"--collection.interval=1m30s", absl::Seconds(90)},
                        Case{"--collection.interval=2h", absl::Hours(2)},
                        Case{"--collection.interval=1.5s", absl::Milliseconds(1500)},
                        Case{"--collection.interval=0", absl::ZeroDuration()}}) {
    INFO(c.arg);
    Targets t;
    FlagSet flags("prog");
    REQUIRE(ParseArgs(&t, &flags, Args{c.arg}).ok());
    CHECK(t.interval == c.want);
  }
  Targets t;
  FlagSet flags("prog");
  REQUIRE(ParseArgs(&t, &flags, Args{"--collection.interval", "250ms"}).ok());
  CHECK(t.interval == absl::Milliseconds(250));
}

TEST_CASE("FlagSet rejects bad and negative durations and keeps the old value", "[common][flags]") {
  for (const char* bad : {"15", "abc", "-1s", "1d", "15 s", "", "s"}) {
    INFO("value: \"" << bad << "\"");
    Targets t;
    FlagSet flags("prog");
    std::string arg = std::string("--collection.interval=") + bad;
    absl::Status s = ParseArgs(&t, &flags, Args{arg.c_str()});
    CHECK(s.code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(std::string(s.message()), Catch::Contains("--collection.interval"));
    CHECK_THAT(std::string(s.message()), Catch::Contains(std::string("\"") + bad + "\""));
    CHECK(t.interval == absl::Seconds(15));
    CHECK_FALSE(flags.IsSet("collection.interval"));
  }
}

TEST_CASE("FlagSet Int parses decimal integers and rejects anything else", "[common][flags]") {
  int64_t n = 7;
  FlagSet flags("prog");
  flags.Int("hosts", &n, "Simulated hosts");
  REQUIRE(flags.Parse(Args{"--hosts=10000"}.argc(), Args{"--hosts=10000"}.argv()).ok());
  CHECK(n == 10000);
  for (const char* bad : {"", "abc", "1.5", "+3", "1e3", "12 ", "99999999999999999999"}) {
    INFO("value: \"" << bad << "\"");
    int64_t m = 7;
    FlagSet f("prog");
    f.Int("hosts", &m, "Simulated hosts");
    const std::string arg = std::string("--hosts=") + bad;
    const Args args{arg.c_str()};
    absl::Status s = f.Parse(args.argc(), args.argv());
    CHECK(s.code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(std::string(s.message()), Catch::Contains("--hosts"));
    CHECK(m == 7);
  }
}

// Regression: absl::ParseDuration accepts "inf" (Go's ParseDuration, the documented syntax, does
// not); an infinite interval made the agent collect once and then sleep forever.
TEST_CASE("FlagSet rejects an infinite duration", "[common][flags]") {
  Targets t;
  FlagSet flags("prog");
  CHECK_FALSE(ParseArgs(&t, &flags, Args{"--collection.interval=inf"}).ok());
  CHECK(t.interval == absl::Seconds(15));
}

TEST_CASE("FlagSet StringList replaces config values on the first occurrence, then appends",
          "[common][flags]") {
  Targets t;
  t.labels = {"from=config", "also=config"};  // as loaded from the config file
  FlagSet flags("prog");
  REQUIRE(ParseArgs(&t, &flags, Args{"--label=a=1", "--once", "--label", "b=2"}).ok());
  CHECK(t.labels == std::vector<std::string>{"a=1", "b=2"});
  CHECK(flags.IsSet("label"));
}

TEST_CASE("FlagSet StringList keeps config values when the flag is absent", "[common][flags]") {
  Targets t;
  t.labels = {"from=config"};
  FlagSet flags("prog");
  REQUIRE(ParseArgs(&t, &flags, Args{"--once"}).ok());
  CHECK(t.labels == std::vector<std::string>{"from=config"});
  CHECK_FALSE(flags.IsSet("label"));
}

TEST_CASE("FlagSet names an unknown flag in its error", "[common][flags]") {
  Targets t;
  FlagSet flags("prog");
  absl::Status s = ParseArgs(&t, &flags, Args{"--once", "--colector.address=x"});
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK_THAT(std::string(s.message()), Catch::Contains("unknown flag --colector.address"));
  CHECK_THAT(std::string(s.message()), !Catch::Contains("=x"));
}

TEST_CASE("FlagSet rejects arguments that are not flags", "[common][flags]") {
  for (const char* bad : {"positional", "-once", "-x"}) {
    INFO(bad);
    Targets t;
    FlagSet flags("prog");
    absl::Status s = ParseArgs(&t, &flags, Args{bad});
    CHECK(s.code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(std::string(s.message()), Catch::Contains(std::string("\"") + bad + "\""));
  }
}

TEST_CASE("FlagSet reports a missing value for a non-bool flag", "[common][flags]") {
  for (const char* name : {"--path.procfs", "--collection.interval", "--label"}) {
    INFO(name);
    Targets t;
    FlagSet flags("prog");
    absl::Status s = ParseArgs(&t, &flags, Args{"--once", name});
    CHECK(s.code() == absl::StatusCode::kInvalidArgument);
    CHECK_THAT(std::string(s.message()), Catch::Contains(std::string("flag ") + name));
    CHECK_THAT(std::string(s.message()), Catch::Contains("needs a value"));
  }
}

TEST_CASE("FlagSet IsSet reports only flags given on the command line", "[common][flags]") {
  Targets t;
  FlagSet flags("prog");
  REQUIRE(ParseArgs(&t, &flags, Args{"--path.procfs=/proc", "--source.cpu"}).ok());
  CHECK(flags.IsSet("path.procfs"));  // set even though the value equals the default
  CHECK(flags.IsSet("source.cpu"));
  CHECK_FALSE(flags.IsSet("once"));
  CHECK_FALSE(flags.IsSet("collection.interval"));
  CHECK_FALSE(flags.IsSet("no-such-flag"));
}

TEST_CASE("FlagSet --help and -h request help without stopping the parse", "[common][flags]") {
  for (const char* help : {"--help", "-h"}) {
    INFO(help);
    Targets t;
    FlagSet flags("prog");
    REQUIRE(ParseArgs(&t, &flags, Args{help, "--once"}).ok());
    CHECK(flags.help_requested());
    CHECK(t.once);
  }
}

TEST_CASE("FlagSet Usage lists each flag with its help and default", "[common][flags]") {
  Targets t;
  FlagSet flags("hostmon-agent");
  Register(&flags, &t);
  std::string usage = flags.Usage();
  CHECK_THAT(usage, Catch::StartsWith("usage: hostmon-agent [flags]"));
  CHECK_THAT(usage, Catch::Contains("--collector.address=VALUE"));
  CHECK_THAT(usage, Catch::Contains("Collector address (default: 127.0.0.1:9710)"));
  CHECK_THAT(usage, Catch::Contains("How often to collect (default: 15s)"));
  CHECK_THAT(usage, Catch::Contains("CPU source (default: true)"));
  CHECK_THAT(usage, Catch::Contains("Collect once (default: false)"));
  // Bool flags take no =VALUE.
  CHECK_THAT(usage, Catch::Contains("  --once\n"));
  CHECK_THAT(usage, !Catch::Contains("--once=VALUE"));
}

TEST_CASE("FindFlagValue finds --name=value and --name value", "[common][flags]") {
  Args eq{"--once", "--config.file=/etc/a.yaml", "--x"};
  CHECK(FindFlagValue(eq.argc(), eq.argv(), "config.file") == "/etc/a.yaml");
  Args sep{"--config.file", "/etc/b.yaml"};
  CHECK(FindFlagValue(sep.argc(), sep.argv(), "config.file") == "/etc/b.yaml");
}

TEST_CASE("FindFlagValue returns empty when the flag is absent or has no value",
          "[common][flags]") {
  Args none{"--once"};
  CHECK(FindFlagValue(none.argc(), none.argv(), "config.file").empty());
  Args last{"--config.file"};
  CHECK(FindFlagValue(last.argc(), last.argv(), "config.file").empty());
  Args prefix{"--config.filename=/x", "--config.file.extra=/y"};
  CHECK(FindFlagValue(prefix.argc(), prefix.argv(), "config.file").empty());
  Args program_only{};
  CHECK(FindFlagValue(program_only.argc(), program_only.argv(), "config.file").empty());
}

TEST_CASE("FindFlagValue ignores argv[0] and returns the first occurrence", "[common][flags]") {
  const char* argv[] = {"--config.file=/prog", "--config.file=/first", "--config.file=/second"};
  CHECK(FindFlagValue(3, argv, "config.file") == "/first");
}

}  // namespace
}  // namespace hostmon::common
