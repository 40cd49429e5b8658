// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/netclass/netclass_source.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "fakes/fake_clock.h"
#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/source_context.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

absl::StatusOr<SourcePtr> Make(const common::FsRoot& fs,
                               const std::map<std::string, std::string>& options) {
  return MakeNetclassSource(testing::TestContext("netclass", fs, options));
}

TEST_CASE("netclass source exports the fixture's interfaces like node_exporter",
          "[agent][netclass]") {
  const common::FsRoot fs = testing::FixtureRoot();
  auto source = Make(fs, {{"ignored-devices", "^$"}});
  REQUIRE(source.ok());
  testing::SampleRecorder out;
  REQUIRE((*source)->Collect(out).ok());
  // node_exporter 1.5.0 on the same tree: 19 series for eth0, 18 for lo (no speed: duplex and
  // speed are unreadable there), 15 for ifb0 (no carrier, dormant, name_assign_type, speed), 19
  // for the bond bond0 (bonding_masters next to it is a file, not an interface).
  CHECK(out.samples.size() == 19 + 18 + 15 + 19);
  CHECK(out.samples.at("node_network_speed_bytes{device=\"bond0\"}") == 125000000);
  std::map<std::string, double> eth0;
  for (const auto& [key, value] : out.samples) {
    if (key.find("\"eth0\"") != std::string::npos) eth0[key] = value;
  }
  const std::map<std::string, double> want = {
      {"node_network_address_assign_type{device=\"eth0\"}", 0},
      {"node_network_carrier{device=\"eth0\"}", 1},
      {"node_network_carrier_changes_total{device=\"eth0\"}", 2},
      {"node_network_carrier_down_changes_total{device=\"eth0\"}", 1},
      {"node_network_carrier_up_changes_total{device=\"eth0\"}", 1},
      {"node_network_device_id{device=\"eth0\"}", 0},
      {"node_network_dormant{device=\"eth0\"}", 0},
      {"node_network_flags{device=\"eth0\"}", 4099},
      {"node_network_iface_id{device=\"eth0\"}", 4},
      {"node_network_iface_link{device=\"eth0\"}", 4},
      {"node_network_iface_link_mode{device=\"eth0\"}", 0},
      // adminstate: flags 0x1003 has IFF_UP.
      {"node_network_info{address=\"02:fc:00:00:00:01\",adminstate=\"up\","
       "broadcast=\"ff:ff:ff:ff:ff:ff\",device=\"eth0\",duplex=\"unknown\",ifalias=\"\","
       "operstate=\"up\"}",
       1},
      {"node_network_mtu_bytes{device=\"eth0\"}", 1400},
      {"node_network_name_assign_type{device=\"eth0\"}", 1},
      {"node_network_net_dev_group{device=\"eth0\"}", 0},
      {"node_network_protocol_type{device=\"eth0\"}", 1},
      {"node_network_speed_bytes{device=\"eth0\"}", -125000},
      {"node_network_transmit_queue_length{device=\"eth0\"}", 1000},
      {"node_network_up{device=\"eth0\"}", 1},
  };
  CHECK(eth0 == want);
  CHECK(out.samples.at("node_network_up{device=\"lo\"}") == 0);  // operstate "unknown"
  CHECK(out.samples.at("node_network_protocol_type{device=\"lo\"}") == 772);
  CHECK(out.samples.count("node_network_carrier{device=\"ifb0\"}") == 0);
  // ifb0's flags 0x82 lack IFF_UP: administratively down.
  CHECK(out.samples.at("node_network_info{address=\"7e:f2:e2:53:08:91\",adminstate=\"down\","
                       "broadcast=\"ff:ff:ff:ff:ff:ff\",device=\"ifb0\",duplex=\"\",ifalias=\"\","
                       "operstate=\"down\"}") == 1);
  CHECK(out.types.at("node_network_carrier_changes_total") == kCounter);
  CHECK(out.types.at("node_network_mtu_bytes") == kGauge);
  CHECK(out.help.at("node_network_info") ==
        "Non-numeric data from /sys/class/net/<iface>, value is always 1.");
  CHECK(out.help.at("node_network_iface_link_mode") == "Network device property: iface_link_mode");
}

TEST_CASE("netclass source options", "[agent][netclass]") {
  const common::FsRoot fs = testing::FixtureRoot();
  SECTION("ignored-devices") {
    auto source = Make(fs, {{"ignored-devices", "^(lo|ifb.*|bond.*)$"}});
    REQUIRE(source.ok());
    testing::SampleRecorder out;
    REQUIRE((*source)->Collect(out).ok());
    CHECK(out.samples.size() == 19);
  }
  SECTION("ignore-invalid-speed drops the -1 speed") {
    auto source = Make(fs, {{"ignore-invalid-speed", "true"}});
    REQUIRE(source.ok());
    testing::SampleRecorder out;
    REQUIRE((*source)->Collect(out).ok());
    CHECK(out.Count("node_network_speed_bytes{device=\"eth0\"}") == 0);
    CHECK(out.Count("node_network_speed_bytes") == 1);  // bond0's 1000 Mb/s is valid
    CHECK(out.samples.size() == 18 + 18 + 15 + 19);
  }
  SECTION("bad values") {
    CHECK(absl::IsInvalidArgument(Make(fs, {{"ignored-devices", "("}}).status()));
    CHECK(Make(fs, {{"ignore-invalid-speed", "yes"}}).status().message() ==
          "source netclass: option \"ignore-invalid-speed\": invalid boolean \"yes\" (want true "
          "or false)");
  }
}

TEST_CASE("netclass source lists interfaces through the injected lister", "[agent][netclass]") {
  const common::FsRoot fs = testing::FixtureRoot();
  auto source = MakeNetclassSourceWithLister(
      testing::TestContext("netclass", fs),
      [](const std::string&, std::vector<std::string>* names) {
        *names = {"gone0"};  // listed, but its files vanished before they were read
        return absl::OkStatus();
      });
  REQUIRE(source.ok());
  testing::SampleRecorder out;
  REQUIRE((*source)->Collect(out).ok());
  const std::map<std::string, double> want = {
      // No flags file: adminstate unknown, as node_exporter 1.12.
      {"node_network_info{address=\"\",adminstate=\"unknown\",broadcast=\"\",device=\"gone0\","
       "duplex=\"\",ifalias=\"\",operstate=\"\"}",
       1},
      {"node_network_up{device=\"gone0\"}", 0}};
  CHECK(out.samples == want);
}

// One interface's attribute files under <root>/class/net/<iface>/, as a veth has them.
void WriteIface(const testing::ScopedTempDir& root, const std::string& iface, int ifindex,
                const std::string& address) {
  const std::string dir = "class/net/" + iface + "/";
  root.Write(dir + "address", address + "\n");
  root.Write(dir + "broadcast", "ff:ff:ff:ff:ff:ff\n");
  root.Write(dir + "ifindex", std::to_string(ifindex) + "\n");
  root.Write(dir + "iflink", std::to_string(ifindex + 1) + "\n");
  root.Write(dir + "type", "1\n");
  root.Write(dir + "addr_assign_type", "0\n");  // NET_ADDR_PERM
  root.Write(dir + "operstate", "up\n");
  root.Write(dir + "flags", "0x1003\n");
  root.Write(dir + "mtu", "1500\n");
  root.Write(dir + "carrier_changes", "2\n");
}

std::string Info(const std::string& iface, const std::string& address,
                 const std::string& operstate = "up") {
  return "node_network_info{address=\"" + address +
         "\",adminstate=\"up\",broadcast=\"ff:ff:ff:ff:ff:ff\",device=\"" + iface +
         "\",duplex=\"\",ifalias=\"\",operstate=\"" + operstate + "\"}";
}

TEST_CASE("netclass source: interfaces that appear or vanish, fixed attributes on a refresh",
          "[agent][netclass][static_file]") {
  testing::ScopedTempDir root;
  WriteIface(root, "eth0", 2, "02:00:00:00:00:01");
  const common::FsRoot fs("/nonexistent", root.path(), "/nonexistent");
  testing::TestContext ctx("netclass", fs);
  testing::FakeClock clock;
  int listings = 0;
  auto source = MakeNetclassSourceWithLister(
      ctx,
      [&](const std::string& dir, std::vector<std::string>* names) {
        ++listings;
        return ListSubdirectories(dir, names);
      },
      &clock);
  REQUIRE(source.ok());
  testing::SampleRecorder first = testing::CollectOk(**source);
  CHECK(first.samples.at(Info("eth0", "02:00:00:00:00:01")) == 1);
  CHECK(first.samples.at("node_network_iface_link{device=\"eth0\"}") == 3);
  CHECK(first.samples.at("node_network_address_assign_type{device=\"eth0\"}") == 0);
  CHECK(first.samples.size() == 9);  // up, info, the 7 numeric files

  SECTION("an interface that appears is reported at the next collection") {
    WriteIface(root, "veth1", 7, "02:00:00:00:00:07");
    testing::SampleRecorder next = testing::CollectOk(**source);
    CHECK(listings == 2);
    CHECK(next.samples.at(Info("veth1", "02:00:00:00:00:07")) == 1);
    CHECK(next.samples.at("node_network_iface_id{device=\"veth1\"}") == 7);
    CHECK(next.samples.at("node_network_protocol_type{device=\"veth1\"}") == 1);
    CHECK(next.samples.size() == 18);
  }

  SECTION("a vanished interface is gone from the next collection, a re-created one read anew") {
    std::filesystem::remove_all(root.File("class/net/eth0"));
    CHECK(testing::CollectOk(**source).samples.empty());
    // Re-created under the same name within the refresh: no cached attribute of the old one.
    WriteIface(root, "eth0", 9, "02:00:00:00:00:09");
    root.Write("class/net/eth0/type", "772\n");
    testing::SampleRecorder again = testing::CollectOk(**source);
    CHECK(again.samples.at(Info("eth0", "02:00:00:00:00:09")) == 1);
    CHECK(again.samples.at("node_network_protocol_type{device=\"eth0\"}") == 772);
    CHECK(again.samples.at("node_network_iface_link{device=\"eth0\"}") == 10);
  }

  SECTION("a changed address shows at the refresh, not before; the state at every collection") {
    root.Write("class/net/eth0/address", "02:00:00:00:00:99\n");
    root.Write("class/net/eth0/addr_assign_type", "3\n");  // NET_ADDR_SET
    root.Write("class/net/eth0/type", "772\n");            // fixed: also seen only at the refresh
    root.Write("class/net/eth0/mtu", "9000\n");
    root.Write("class/net/eth0/operstate", "down\n");
    clock.Advance(kNetclassRefresh - absl::Seconds(1));
    testing::SampleRecorder before = testing::CollectOk(**source);
    CHECK(before.samples.count(Info("eth0", "02:00:00:00:00:01", "down")) == 1);
    CHECK(before.samples.at("node_network_address_assign_type{device=\"eth0\"}") == 0);
    CHECK(before.samples.at("node_network_protocol_type{device=\"eth0\"}") == 1);
    CHECK(before.samples.at("node_network_mtu_bytes{device=\"eth0\"}") == 9000);
    CHECK(before.samples.at("node_network_up{device=\"eth0\"}") == 0);
    clock.Advance(absl::Seconds(1));
    testing::SampleRecorder after = testing::CollectOk(**source);
    CHECK(after.samples.count(Info("eth0", "02:00:00:00:00:99", "down")) == 1);
    CHECK(after.samples.at("node_network_address_assign_type{device=\"eth0\"}") == 3);
    CHECK(after.samples.at("node_network_protocol_type{device=\"eth0\"}") == 772);
    // The refresh counts from that read.
    root.Write("class/net/eth0/type", "1\n");
    clock.Advance(kNetclassRefresh - absl::Seconds(1));
    CHECK(testing::CollectOk(**source).samples.at("node_network_protocol_type{device=\"eth0\"}") ==
          772);
  }

  SECTION("a fixed attribute that does not parse fails every collection, naming the file") {
    root.Write("class/net/eth0/type", "ether\n");
    clock.Advance(kNetclassRefresh);
    for (int i = 0; i < 2; ++i) {
      testing::SampleRecorder bad;
      const absl::Status s = (*source)->Collect(bad);
      CHECK(absl::IsInvalidArgument(s));
      CHECK(s.message().find("class/net/eth0/type") != std::string::npos);
    }
  }
}

TEST_CASE("netclass source without /sys/class/net is NotFound", "[agent][netclass]") {
  const common::FsRoot fs = testing::EmptyRoot();
  auto source = Make(fs, {});
  REQUIRE(source.ok());
  testing::SampleRecorder out;
  CHECK(absl::IsNotFound((*source)->Collect(out)));
}

TEST_CASE("ListSubdirectories lists the fixture's interfaces", "[agent][netclass]") {
  std::vector<std::string> names;
  REQUIRE(ListSubdirectories(std::string(HOSTMON_FIXTURE_DIR) + "/sys/class/net", &names).ok());
  std::sort(names.begin(), names.end());
  // Not the file bonding_masters, which the bonding driver puts next to the interfaces.
  CHECK(names == std::vector<std::string>{"bond0", "eth0", "ifb0", "lo"});
}

}  // namespace
}  // namespace hostmon::agent
