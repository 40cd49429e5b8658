// SPDX-License-Identifier: Apache-2.0
//
// The agent's loop and systemd's watchdog (real clock, fake $NOTIFY_SOCKET): WATCHDOG=1 arrives
// after every collection and while the loop waits for the next tick, and stops while a collection
// is wedged, so that systemd (WatchdogSec=) restarts a stuck agent.
#include <atomic>
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "agent/agent.h"
#include "fakes/notify_socket.h"
#include "fakes/temp_dir.h"
#include "fakes/wait_for.h"

namespace hostmon::agent {
namespace {

using ::hostmon::testing::FakeNotifySocket;
using ::hostmon::testing::ScopedTempDir;
using ::hostmon::testing::WaitFor;

// Collects normally until `wedge` is set; then the next collection blocks until `release`.
class WedgingSource : public Source {
 public:
  WedgingSource(std::shared_ptr<std::atomic<bool>> wedge,
                std::shared_ptr<absl::Notification> release,
                std::shared_ptr<std::atomic<int>> calls)
      : wedge_(std::move(wedge)), release_(std::move(release)), calls_(std::move(calls)) {}
  absl::Status Collect(SampleWriter& out) override {
    static constexpr MetricDesc kUp{"test_up", kGauge, "Test."};
    ++*calls_;
    if (*wedge_) release_->WaitForNotification();
    out.Add(kUp, {}, 1);
    return absl::OkStatus();
  }

 private:
  std::shared_ptr<std::atomic<bool>> wedge_;
  std::shared_ptr<absl::Notification> release_;
  std::shared_ptr<std::atomic<int>> calls_;
};

int Pings(const std::vector<std::string>& datagrams) {
  int n = 0;
  for (const std::string& d : datagrams) n += d == "WATCHDOG=1";
  return n;
}

TEST_CASE("Agent pings the watchdog while collecting and waiting, not while wedged",
          "[agent][systemd_notify]") {
  ScopedTempDir dir;
  FakeNotifySocket sock(dir.File("notify"));
  REQUIRE(sock.bound());
  // WatchdogSec=400ms: a ping every 200 ms; the collection interval (1 s) is longer.
  const common::SystemdNotifier notifier(sock.name(), absl::Milliseconds(400));
  auto wedge = std::make_shared<std::atomic<bool>>(false);
  auto release = std::make_shared<absl::Notification>();
  auto calls = std::make_shared<std::atomic<int>>(0);
  AgentConfig config;
  config.hostname = "test-host";
  config.interval = absl::Seconds(1);
  AgentSources sources;
  sources.fast.push_back({"wedging", std::make_unique<WedgingSource>(wedge, release, calls)});
  auto agent = Agent::Create(config, std::move(sources));
  REQUIRE(agent.ok());
  (*agent)->SetNotifier(&notifier);
  std::thread loop([&] { (*agent)->Run(); });

  // Healthy: pings after the first collection and about every 200 ms while waiting.
  int healthy = Pings(sock.ReceiveFor(absl::Milliseconds(1500)));
  CHECK(healthy >= 5);
  CHECK(*calls >= 1);

  // Wedged: once the blocking collection started, no ping for well over WatchdogSec.
  *wedge = true;
  const int before = *calls;
  REQUIRE(WaitFor([&] { return *calls > before; }));
  sock.ReceiveFor(absl::Milliseconds(50));  // a ping sent just before the wedge
  CHECK(Pings(sock.ReceiveFor(absl::Seconds(1))) == 0);

  // Released: pings resume.
  *wedge = false;
  release->Notify();
  CHECK(Pings(sock.ReceiveFor(absl::Milliseconds(600))) >= 1);
  (*agent)->RequestStop();
  loop.join();
}

}  // namespace
}  // namespace hostmon::agent
