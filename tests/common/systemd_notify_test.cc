// SPDX-License-Identifier: Apache-2.0
//
// The sd_notify datagram protocol against a fake $NOTIFY_SOCKET the test binds: READY, STATUS,
// STOPPING and WATCHDOG datagrams arrive as systemd reads them, abstract ('@') names work, the
// environment is read as sd_notify/sd_watchdog_enabled read it, and the progress watchdog pings
// only while its counter moves.
#include "common/systemd_notify.h"

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cinttypes>
#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "fakes/notify_socket.h"
#include "fakes/temp_dir.h"

namespace hostmon::common {
namespace {

using ::hostmon::testing::FakeNotifySocket;
using ::hostmon::testing::ScopedTempDir;

constexpr absl::Duration kWait = absl::Seconds(2);

TEST_CASE("SystemdNotifier sends READY, STATUS, STOPPING and WATCHDOG datagrams",
          "[systemd_notify]") {
  ScopedTempDir dir;
  FakeNotifySocket sock(dir.File("notify"));
  REQUIRE(sock.bound());
  SystemdNotifier n(sock.name(), absl::Seconds(30));
  REQUIRE(n.enabled());
  CHECK(n.ping_interval() == absl::Seconds(15));
  n.Ready("collecting every 15s");
  CHECK(sock.Receive(kWait) == "READY=1\nSTATUS=collecting every 15s");
  n.Status("2 hosts");
  CHECK(sock.Receive(kWait) == "STATUS=2 hosts");
  n.WatchdogPing();
  CHECK(sock.Receive(kWait) == "WATCHDOG=1");
  n.Stopping("bye");
  CHECK(sock.Receive(kWait) == "STOPPING=1\nSTATUS=bye");
  // RELOADING=1 carries MONOTONIC_USEC (Type=notify-reload refuses it without), taken now.
  timespec before{};
  clock_gettime(CLOCK_MONOTONIC, &before);
  n.Reloading("reloading configuration");
  const std::string reloading = sock.Receive(kWait);
  uint64_t usec = 0;
  char status[64] = {};
  REQUIRE(std::sscanf(reloading.c_str(), "RELOADING=1\nMONOTONIC_USEC=%" SCNu64 "\nSTATUS=%63[^\n]",
                      &usec, status) == 2);
  CHECK(usec >= static_cast<uint64_t>(before.tv_sec) * 1000000);
  CHECK(std::string(status) == "reloading configuration");
}

TEST_CASE("SystemdNotifier reaches an abstract socket named with '@'", "[systemd_notify]") {
  FakeNotifySocket sock(absl::StrCat("@hostmon-notify-test-", getpid()));
  REQUIRE(sock.bound());
  SystemdNotifier n(sock.name(), absl::ZeroDuration());
  REQUIRE(n.Send("READY=1").ok());
  CHECK(sock.Receive(kWait) == "READY=1");
}

TEST_CASE("SystemdNotifier without a socket or watchdog does nothing", "[systemd_notify]") {
  SystemdNotifier off;
  CHECK_FALSE(off.enabled());
  CHECK(off.Send("READY=1").ok());
  CHECK(off.ping_interval() == absl::InfiniteDuration());

  ScopedTempDir dir;
  FakeNotifySocket sock(dir.File("notify"));
  SystemdNotifier no_watchdog(sock.name(), absl::ZeroDuration());
  no_watchdog.WatchdogPing();  // WatchdogSec= not set: no WATCHDOG=1
  CHECK(sock.Receive(absl::Milliseconds(100)).empty());
  CHECK(no_watchdog.ping_interval() == absl::InfiniteDuration());
}

TEST_CASE("SystemdNotifier reports an unusable socket", "[systemd_notify]") {
  ScopedTempDir dir;
  CHECK(SystemdNotifier(dir.File("nobody-listens"), absl::ZeroDuration()).Send("READY=1").code() ==
        absl::StatusCode::kUnavailable);
  CHECK(SystemdNotifier("relative", absl::ZeroDuration()).Send("READY=1").code() ==
        absl::StatusCode::kInvalidArgument);
}

TEST_CASE("SystemdNotifier::FromEnvironment reads NOTIFY_SOCKET and WATCHDOG_USEC/_PID",
          "[systemd_notify]") {
  setenv("NOTIFY_SOCKET", "/run/systemd/notify", 1);
  setenv("WATCHDOG_USEC", "20000000", 1);
  unsetenv("WATCHDOG_PID");
  SystemdNotifier n = SystemdNotifier::FromEnvironment();
  CHECK(n.enabled());
  CHECK(n.watchdog_timeout() == absl::Seconds(20));

  setenv("WATCHDOG_PID", std::to_string(getpid()).c_str(), 1);
  CHECK(SystemdNotifier::FromEnvironment().watchdog_timeout() == absl::Seconds(20));
  // The watchdog belongs to another process (e.g. the parent of a forked child).
  setenv("WATCHDOG_PID", std::to_string(getpid() + 1).c_str(), 1);
  CHECK(SystemdNotifier::FromEnvironment().watchdog_timeout() == absl::ZeroDuration());
  setenv("WATCHDOG_USEC", "garbage", 1);
  unsetenv("WATCHDOG_PID");
  CHECK(SystemdNotifier::FromEnvironment().watchdog_timeout() == absl::ZeroDuration());

  unsetenv("NOTIFY_SOCKET");
  unsetenv("WATCHDOG_USEC");
  CHECK_FALSE(SystemdNotifier::FromEnvironment().enabled());
}

TEST_CASE("ProgressWatchdog pings only while the progress counter moves", "[systemd_notify]") {
  ScopedTempDir dir;
  FakeNotifySocket sock(dir.File("notify"));
  SystemdNotifier n(sock.name(), absl::Seconds(10));
  ProgressWatchdog watchdog(&n);
  CHECK(watchdog.PingIfProgressed(0));  // the first call pings
  CHECK(sock.Receive(kWait) == "WATCHDOG=1");
  CHECK(watchdog.PingIfProgressed(1));
  CHECK(sock.Receive(kWait) == "WATCHDOG=1");
  // Wedged: the counter stays, so no more pings and systemd's WatchdogSec runs out.
  CHECK_FALSE(watchdog.PingIfProgressed(1));
  CHECK_FALSE(watchdog.PingIfProgressed(1));
  CHECK(sock.Receive(absl::Milliseconds(100)).empty());
  CHECK(watchdog.PingIfProgressed(2));
  CHECK(sock.Receive(kWait) == "WATCHDOG=1");
}

}  // namespace
}  // namespace hostmon::common
