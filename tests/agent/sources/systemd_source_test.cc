// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/systemd/systemd_source.h"

#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "agent/sources/systemd/systemd_client.h"
#include "fakes/alloc_counter.h"
#include "fakes/sample_recorder.h"
#include "fakes/source_context.h"

namespace hostmon::agent {
namespace {

// What systemd would answer over D-Bus; each call can be made to fail.
struct FakeSystemd {
  std::vector<UnitInfo> units;
  std::map<std::string, std::string> types;  // unit name -> Service/Mount Type
  std::map<std::string, SocketStats> sockets;
  std::string system_state = "running";
  absl::Status list_status;
  absl::Status state_status;
  int type_calls = 0;
  // Built once: copying a Status shares its payload, so the fake itself does not allocate.
  absl::Status type_error = absl::UnavailableError("no Type");
  absl::Status socket_error = absl::UnavailableError("no NAccepted");
};

class FakeSystemdClient : public SystemdClient {
 public:
  explicit FakeSystemdClient(FakeSystemd* fake) : fake_(fake) {}
  absl::Status ListUnits(std::vector<UnitInfo>* out) override {
    if (!fake_->list_status.ok()) return fake_->list_status;
    *out = fake_->units;
    return absl::OkStatus();
  }
  absl::Status UnitType(const UnitInfo& unit, std::string* out) override {
    ++fake_->type_calls;
    auto it = fake_->types.find(unit.name);
    if (it == fake_->types.end()) return fake_->type_error;
    *out = it->second;
    return absl::OkStatus();
  }
  absl::Status Socket(const UnitInfo& unit, SocketStats* out) override {
    auto it = fake_->sockets.find(unit.name);
    if (it == fake_->sockets.end()) return fake_->socket_error;
    *out = it->second;
    return absl::OkStatus();
  }
  absl::Status SystemState(std::string* out) override {
    if (!fake_->state_status.ok()) return fake_->state_status;
    *out = fake_->system_state;
    return absl::OkStatus();
  }

 private:
  FakeSystemd* fake_;
};

UnitInfo Unit(const std::string& name, const std::string& active,
              const std::string& load = "loaded") {
  return UnitInfo{name, load, active, "sub", "/org/freedesktop/systemd1/unit/x"};
}

FakeSystemd TypicalHost() {
  FakeSystemd fake;
  fake.units = {
      Unit("ssh.service", "active"),
      Unit("cron.service", "failed"),
      Unit("ssh.socket", "active"),
      Unit("dbus.socket", "active"),  // counters unreadable: skipped, as node_exporter
      Unit("boot.mount", "active"),   // excluded by default
      Unit("dev-sda1.device", "active"),
      Unit("proc-sys-fs-binfmt_misc.automount", "active"),
      Unit("init.scope", "active"),
      Unit("system.slice", "active"),
      Unit("missing.service", "inactive", "not-found"),  // LoadState != loaded: skipped
      Unit("apt-daily.timer", "activating"),
      Unit("reload.target", "deactivating"),
  };
  fake.types = {{"ssh.service", "notify"}, {"cron.service", "simple"}, {"boot.mount", "ext4"}};
  fake.sockets = {{"ssh.socket", SocketStats{7, 2, 1}}};
  return fake;
}

absl::StatusOr<SourcePtr> Make(FakeSystemd* fake, const std::map<std::string, std::string>& opts) {
  return MakeSystemdSourceWithClient(testing::TestContext("systemd", common::FsRoot(), opts),
                                     std::make_unique<FakeSystemdClient>(fake));
}

void WantUnit(std::map<std::string, double>* want, const std::string& name, const std::string& type,
              const std::string& active) {
  for (const char* state : {"activating", "active", "deactivating", "failed", "inactive"}) {
    (*want)["node_systemd_unit_state{name=\"" + name + "\",state=\"" + state + "\",type=\"" + type +
            "\"}"] = active == state ? 1 : 0;
  }
}

TEST_CASE("systemd source exports node_exporter's series", "[agent][systemd]") {
  FakeSystemd fake = TypicalHost();
  const std::map<std::string, std::string> options;
  auto source = Make(&fake, options);
  REQUIRE(source.ok());
  testing::SampleRecorder out;
  REQUIRE((*source)->Collect(out).ok());

  std::map<std::string, double> want;
  WantUnit(&want, "ssh.service", "notify", "active");
  WantUnit(&want, "cron.service", "simple", "failed");
  WantUnit(&want, "ssh.socket", "", "active");
  WantUnit(&want, "dbus.socket", "", "active");
  WantUnit(&want, "apt-daily.timer", "", "activating");
  WantUnit(&want, "reload.target", "", "deactivating");
  want["node_systemd_socket_accepted_connections_total{name=\"ssh.socket\"}"] = 7;
  want["node_systemd_socket_current_connections{name=\"ssh.socket\"}"] = 2;
  want["node_systemd_socket_refused_connections_total{name=\"ssh.socket\"}"] = 1;
  want["node_systemd_units{state=\"activating\"}"] = 1;
  want["node_systemd_units{state=\"active\"}"] = 3;
  want["node_systemd_units{state=\"deactivating\"}"] = 1;
  want["node_systemd_units{state=\"failed\"}"] = 1;
  want["node_systemd_units{state=\"inactive\"}"] = 0;
  want["node_systemd_system_running"] = 1;
  CHECK(out.samples == want);

  CHECK(out.types.at("node_systemd_unit_state") == kGauge);
  CHECK(out.types.at("node_systemd_units") == kGauge);
  CHECK(out.types.at("node_systemd_socket_accepted_connections_total") == kCounter);
  CHECK(out.types.at("node_systemd_socket_current_connections") == kGauge);
  CHECK(out.types.at("node_systemd_socket_refused_connections_total") == kCounter);
  CHECK(out.types.at("node_systemd_system_running") == kGauge);
  CHECK(out.help.at("node_systemd_unit_state") == "Systemd unit");
  CHECK(out.help.at("node_systemd_units") == "Summary of systemd unit states");
  CHECK(out.help.at("node_systemd_socket_accepted_connections_total") ==
        "Total number of accepted socket connections");
  CHECK(out.help.at("node_systemd_socket_current_connections") ==
        "Current number of socket connections");
  CHECK(out.help.at("node_systemd_socket_refused_connections_total") ==
        "Total number of refused socket connections");
  CHECK(out.help.at("node_systemd_system_running") ==
        "Whether the system is operational (see 'systemctl is-system-running')");
  // Type is asked only for exported units (node_exporter does the same D-Bus calls).
  CHECK(fake.type_calls == 6);
}

TEST_CASE("systemd source: system not running", "[agent][systemd]") {
  FakeSystemd fake = TypicalHost();
  fake.system_state = "degraded";
  const std::map<std::string, std::string> options;
  auto source = Make(&fake, options);
  REQUIRE(source.ok());
  testing::SampleRecorder out;
  REQUIRE((*source)->Collect(out).ok());
  CHECK(out.Get("node_systemd_system_running") == 0);
}

TEST_CASE("systemd source options", "[agent][systemd]") {
  FakeSystemd fake = TypicalHost();
  std::map<std::string, std::string> options;
  testing::SampleRecorder out;
  SECTION("unit-include is anchored") {
    options["unit-include"] = "ssh";  // matches no whole name
    auto source = Make(&fake, options);
    REQUIRE(source.ok());
    REQUIRE((*source)->Collect(out).ok());
    CHECK(out.samples.size() == 6);  // units{state} x5 + system_running
    CHECK(out.Get("node_systemd_units{state=\"active\"}") == 0);
  }
  SECTION("unit-include selects services") {
    options["unit-include"] = ".+\\.service";
    auto source = Make(&fake, options);
    REQUIRE(source.ok());
    REQUIRE((*source)->Collect(out).ok());
    CHECK(out.Get("node_systemd_units{state=\"active\"}") == 1);
    CHECK(out.Get("node_systemd_units{state=\"failed\"}") == 1);
    CHECK(!out.Has("node_systemd_socket_current_connections{name=\"ssh.socket\"}"));
  }
  SECTION("unit-exclude replaces the default") {
    options["unit-exclude"] = ".+\\.socket";
    auto source = Make(&fake, options);
    REQUIRE(source.ok());
    REQUIRE((*source)->Collect(out).ok());
    CHECK(out.Get("node_systemd_unit_state{name=\"boot.mount\",state=\"active\",type=\"ext4\"}") ==
          1);
    CHECK(out.Has("node_systemd_unit_state{name=\"system.slice\",state=\"active\",type=\"\"}"));
    CHECK(!out.Has("node_systemd_unit_state{name=\"ssh.socket\",state=\"active\",type=\"\"}"));
    CHECK(!out.Has("node_systemd_socket_current_connections{name=\"ssh.socket\"}"));
    // The not-loaded unit stays out whatever the regexes say.
    CHECK(
        !out.Has("node_systemd_unit_state{name=\"missing.service\",state=\"inactive\",type=\"\"}"));
  }
  SECTION("invalid regex names the option") {
    options["unit-exclude"] = "(";
    auto source = Make(&fake, options);
    REQUIRE(source.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(source.status().message().find("unit-exclude") != absl::string_view::npos);
    options.erase("unit-exclude");
    options["unit-include"] = "[a-";
    source = Make(&fake, options);
    REQUIRE(source.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(source.status().message().find("unit-include") != absl::string_view::npos);
  }
}

TEST_CASE("systemd source passes client errors through", "[agent][systemd]") {
  FakeSystemd fake = TypicalHost();
  const std::map<std::string, std::string> options;
  auto source = Make(&fake, options);
  REQUIRE(source.ok());
  testing::SampleRecorder out;
  fake.list_status = absl::NotFoundError("no systemd D-Bus (sd_bus_open_system: ENOENT)");
  CHECK((*source)->Collect(out).code() == absl::StatusCode::kNotFound);
  CHECK(out.samples.empty());
  fake.list_status = absl::OkStatus();
  fake.state_status = absl::UnavailableError("systemd D-Bus Get SystemState: timeout");
  CHECK((*source)->Collect(out).code() == absl::StatusCode::kUnavailable);
  CHECK(!out.Has("node_systemd_system_running"));
}

TEST_CASE("systemd source steady state allocates only in the client", "[agent][systemd]") {
  // The fake client copies its units (allocating); the source itself must not add per-sample
  // allocations. Measure with a client whose ListUnits reuses the caller's vector.
  class ReusingClient : public FakeSystemdClient {
   public:
    using FakeSystemdClient::FakeSystemdClient;
    absl::Status ListUnits(std::vector<UnitInfo>* out) override {
      if (out->empty()) return FakeSystemdClient::ListUnits(out);
      return absl::OkStatus();
    }
  };
  FakeSystemd fake = TypicalHost();
  auto source = MakeSystemdSourceWithClient(testing::TestContext("systemd"),
                                            std::make_unique<ReusingClient>(&fake));
  REQUIRE(source.ok());
  testing::SampleRecorder warm;
  REQUIRE((*source)->Collect(warm).ok());
  testing::NullWriter null;
  testing::AllocationCounter counter;
  REQUIRE((*source)->Collect(null).ok());
  CHECK(counter.count() == 0);
}

TEST_CASE("sd-bus client without systemd is NotFound", "[agent][systemd]") {
  std::unique_ptr<SystemdClient> client = MakeSdBusSystemdClient();
  std::vector<UnitInfo> units;
  const absl::Status status = client->ListUnits(&units);
  if (status.code() == absl::StatusCode::kNotFound) {
    // No system bus (this sandbox) or no systemd on it.
    CHECK(status.message().find("no systemd D-Bus") != absl::string_view::npos);
  } else if (!status.ok()) {
    // A bus we may not use: the error must name the call.
    CHECK(status.message().find("systemd D-Bus") != absl::string_view::npos);
  } else {
    std::string state;
    const absl::Status state_status = client->SystemState(&state);
    CHECK((state_status.ok() || !state_status.message().empty()));
  }
  // And the source built on it maps the same way (NotFound -> debug-level, success 0).
  auto source = MakeSystemdSource(testing::TestContext("systemd"));
  REQUIRE(source.ok());
  testing::SampleRecorder out;
  const absl::Status collected = (*source)->Collect(out);
  if (status.code() == absl::StatusCode::kNotFound) {
    CHECK(collected.code() == absl::StatusCode::kNotFound);
    CHECK(out.samples.empty());
  }
}

}  // namespace
}  // namespace hostmon::agent
