// SPDX-License-Identifier: Apache-2.0
#include "agent/mesh/mesh_agent.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <random>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/thread_name.h"

namespace hostmon::agent {
namespace {

namespace log = common::log;

constexpr MetricDesc kRttBucket{
    "hostmon_mesh_rtt_seconds_bucket", kCounter,
    "Mesh probe round trips to the peer (TCP connect plus the responder's close), histogram "
    "buckets."};
constexpr MetricDesc kRttSum{"hostmon_mesh_rtt_seconds_sum", kCounter,
                             "Sum of the mesh probe round trips to the peer, seconds."};
constexpr MetricDesc kRttCount{"hostmon_mesh_rtt_seconds_count", kCounter,
                               "Successful mesh probes of the peer."};
constexpr MetricDesc kProbes{"hostmon_mesh_probes_total", kCounter,
                             "Mesh probes of the peer, successful or not."};
constexpr MetricDesc kFailures{"hostmon_mesh_probe_failures_total", kCounter,
                               "Mesh probes of the peer that failed (refused, timed out, reset)."};
constexpr MetricDesc kPeers{"hostmon_mesh_peers", kGauge,
                            "Peers in the latency mesh plan this agent probes."};
constexpr MetricDesc kPlanVersion{"hostmon_mesh_plan_version", kGauge,
                                  "Version of the mesh plan in force (0: none received yet)."};
constexpr MetricDesc kAccepts{"hostmon_mesh_responder_accepts_total", kCounter,
                              "Connections the mesh responder accepted (and closed)."};

std::string FormatBound(double b) {
  // Prometheus `le` values: shortest round-trip form ("0.0001", "0.25", "1").
  char buf[32];
  for (int precision = 1; precision < 17; ++precision) {
    snprintf(buf, sizeof(buf), "%.*g", precision, b);
    if (strtod(buf, nullptr) == b) break;
  }
  return buf;
}

const std::vector<std::string>& BucketLabels() {
  static const auto* labels = [] {
    auto* v = new std::vector<std::string>();
    for (double b : MeshRttBuckets()) v->push_back(FormatBound(b));
    v->push_back("+Inf");
    return v;
  }();
  return *labels;
}

}  // namespace

const std::vector<double>& MeshRttBuckets() {
  static const auto* buckets = new std::vector<double>{
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.03, 0.05, 0.1, 0.25, 0.5, 1};
  return *buckets;
}

absl::Status SplitMeshListenAddress(const std::string& address, std::string* host,
                                    std::string* port) {
  const bool any_port = absl::EndsWith(address, ":0");
  const std::string checked =
      any_port ? absl::StrCat(address.substr(0, address.size() - 1), "1") : address;
  if (absl::Status s = net::SplitHostPort(checked, host, port); !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("address \"", address,
                     "\": expected host:port with a port in 0..65535 (IPv6 literals as "
                     "[addr]:port)"));
  }
  if (any_port) *port = "0";
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<MeshAgent>> MeshAgent::Create(MeshOptions options) {
  std::string host, port;
  if (absl::Status s = SplitMeshListenAddress(options.listen_address, &host, &port); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("mesh.listen_address: ", s.message()));
  }
  auto addrs = net::Resolve(host, port, net::IpPreference::kAny, absl::Now() + absl::Seconds(5));
  if (!addrs.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("mesh.listen_address \"", options.listen_address,
                                                   "\": ", addrs.status().message()));
  }
  const net::SocketAddress& a = addrs->front();
  net::UniqueFd fd(::socket(a.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid())
    return absl::InternalError(absl::StrCat("mesh responder: socket: ", strerror(errno)));
  int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&a.storage), a.length) != 0 ||
      ::listen(fd.get(), 64) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "mesh responder: cannot listen on ", options.listen_address, ": ", strerror(errno)));
  }
  net::SocketAddress bound;
  bound.length = sizeof(bound.storage);
  ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&bound.storage), &bound.length);
  std::unique_ptr<MeshAgent> m(new MeshAgent(options));
  m->listener_ = std::move(fd);
  m->announce_ = options.announce_address.empty() ? bound.ToString() : options.announce_address;
  if (::pipe2(m->wake_pipe_, O_CLOEXEC | O_NONBLOCK) != 0) {
    return absl::InternalError(absl::StrCat("mesh responder: pipe: ", strerror(errno)));
  }
  return m;
}

MeshAgent::~MeshAgent() {
  Stop();
  for (int fd : wake_pipe_) {
    if (fd >= 0) ::close(fd);
  }
}

void MeshAgent::Start() {
  responder_ = std::thread([this] {
    common::SetThreadName("hm-mesh-answer");
    Respond();
  });
  prober_ = std::thread([this] {
    common::SetThreadName("hm-mesh-probe");
    ProbeLoop();
  });
  log::Info("mesh responder listening",
            log::Kv("address", options_.listen_address) + log::Kv("announce", announce_));
}

void MeshAgent::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  if (wake_pipe_[1] >= 0) {
    char c = 1;
    (void)!::write(wake_pipe_[1], &c, 1);
  }
  if (responder_.joinable()) responder_.join();
  if (prober_.joinable()) prober_.join();
}

void MeshAgent::Respond() {
  // Token bucket: max_accepts_per_second, burst of one second's worth.
  const double rate = std::max(1, options_.max_accepts_per_second);
  double tokens = rate;
  absl::Time refill = absl::Now();
  while (true) {
    pollfd fds[2] = {{wake_pipe_[0], POLLIN, 0}, {listener_.get(), POLLIN, 0}};
    // Out of tokens: wait only for the stop signal until one is due (connections wait in the
    // backlog meanwhile).
    const bool throttled = tokens < 1;
    const int timeout_ms = throttled ? static_cast<int>((1 - tokens) / rate * 1000) + 1 : -1;
    int n = ::poll(fds, throttled ? 1 : 2, timeout_ms);
    if (n < 0 && errno != EINTR) {
      log::Error("mesh responder: poll failed; responder stops", log::Kv("err", strerror(errno)));
      return;
    }
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
    }
    absl::Time now = absl::Now();
    tokens = std::min(rate, tokens + absl::ToDoubleSeconds(now - refill) * rate);
    refill = now;
    while (tokens >= 1) {
      int c = ::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) break;  // EAGAIN: backlog empty; other errors: try again on the next poll
      ::close(c);        // the close (FIN) is the answer the prober waits for
      tokens -= 1;
      absl::MutexLock lock(&mu_);
      ++accepts_;
    }
  }
}

void MeshAgent::SetPlan(MeshPlan plan) {
  if (static_cast<int>(plan.peers.size()) > options_.max_peers) {
    log::Warn("mesh plan larger than the agent's limit; probing the first peers only",
              log::Kv("peers", static_cast<int64_t>(plan.peers.size())) +
                  log::Kv("limit", options_.max_peers));
    plan.peers.resize(options_.max_peers);
  }
  absl::MutexLock lock(&mu_);
  std::set<std::string> keep;
  for (const MeshPeer& p : plan.peers) keep.insert(p.name);
  for (auto it = stats_.begin(); it != stats_.end();) {
    it = keep.count(it->first) ? std::next(it) : stats_.erase(it);
  }
  log::Info("mesh plan received", log::Kv("version", static_cast<int64_t>(plan.version)) +
                                      log::Kv("peers", static_cast<int64_t>(plan.peers.size())));
  plan_ = std::move(plan);
}

absl::StatusOr<absl::Duration> MeshAgent::ProbeOne(const MeshPeer& peer) {
  const absl::Time start = absl::Now();
  const absl::Time deadline = start + options_.timeout;
  std::string host, port;
  if (absl::Status s = net::SplitHostPort(peer.address, &host, &port); !s.ok()) return s;
  auto addrs = net::Resolve(host, port, net::IpPreference::kAny, deadline);
  if (!addrs.ok()) return addrs.status();
  // The round trip starts after name resolution: it measures the network and the peer.
  const absl::Time t0 = absl::Now();
  auto fd = net::ConnectTcp(addrs->front(), deadline);
  if (!fd.ok()) return fd.status();
  // The responder closes at once: its FIN (a read of 0 bytes) ends the probe. A connect alone
  // completes in the peer's kernel; waiting for the close covers the responder's path too.
  if (absl::Status s = net::WaitFor(fd->get(), POLLIN, deadline); !s.ok()) {
    return absl::DeadlineExceededError(
        absl::StrCat(peer.address, ": no answer from the mesh responder before the deadline"));
  }
  char b;
  ssize_t r = ::recv(fd->get(), &b, 1, 0);
  if (r < 0 && errno != ECONNRESET) {
    return absl::UnavailableError(absl::StrCat(peer.address, ": ", strerror(errno)));
  }
  return absl::Now() - t0;
}

void MeshAgent::Record(const MeshPeer& peer, const absl::StatusOr<absl::Duration>& rtt) {
  absl::MutexLock lock(&mu_);
  // The plan may have changed while the probe ran: only peers still planned keep counters.
  bool planned = false;
  for (const MeshPeer& p : plan_.peers) planned = planned || p.name == peer.name;
  if (!planned) return;
  PeerStats& s = stats_[peer.name];
  s.klass = peer.klass;
  if (s.buckets.empty()) s.buckets.assign(MeshRttBuckets().size(), 0);
  ++s.probes;
  if (!rtt.ok()) {
    ++s.failures;
    if (s.last_error != rtt.status().message()) {
      s.last_error = std::string(rtt.status().message());
      log::Debug("mesh probe failed",
                 log::Kv("peer", peer.name) + log::Kv("err", rtt.status().message()));
    }
    return;
  }
  s.last_error.clear();
  const double v = absl::ToDoubleSeconds(*rtt);
  const std::vector<double>& bounds = MeshRttBuckets();
  for (size_t i = 0; i < bounds.size(); ++i) {
    if (v <= bounds[i]) ++s.buckets[i];
  }
  ++s.count;
  s.sum += v;
}

void MeshAgent::ProbeRound() {
  std::vector<MeshPeer> peers;
  {
    absl::MutexLock lock(&mu_);
    peers = plan_.peers;
  }
  if (peers.empty()) return;
  // Workers take peers in turn; each probe has its own deadline, so a round of P peers with W
  // workers lasts at most ceil(P/W) timeouts, however many peers are dead.
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < peers.size(); i = next++) Record(peers[i], ProbeOne(peers[i]));
  };
  const size_t n = std::min(peers.size(), static_cast<size_t>(std::max(1, options_.workers)));
  std::vector<std::thread> threads;
  for (size_t i = 1; i < n; ++i) threads.emplace_back(work);
  work();
  for (std::thread& t : threads) t.join();
}

void MeshAgent::ProbeLoop() {
  // A random phase within the interval: agents started together (a fleet rollout, a test) do not
  // probe in lockstep, and a probe round does not coincide with this agent's own collection.
  std::mt19937_64 rng(std::random_device{}());
  absl::Time next =
      absl::Now() + options_.interval * std::uniform_real_distribution<double>(0, 1)(rng);
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (mu_.AwaitWithDeadline(absl::Condition(&stopping_), next)) return;
    }
    ProbeRound();
    next += options_.interval;
    const absl::Time now = absl::Now();
    if (next < now) next = now + options_.interval;  // an overrun skips rounds, never bunches them
  }
}

void MeshAgent::WriteTo(SampleWriter& out) {
  absl::MutexLock lock(&mu_);
  out.Add(kPeers, {}, static_cast<double>(plan_.peers.size()));
  out.Add(kPlanVersion, {}, static_cast<double>(plan_.version));
  out.Add(kAccepts, {}, static_cast<double>(accepts_));
  const std::vector<std::string>& les = BucketLabels();
  for (const auto& [name, s] : stats_) {
    const LabelRef labels[] = {{"class", s.klass}, {"peer", name}};
    out.Add(kProbes, labels, static_cast<double>(s.probes));
    out.Add(kFailures, labels, static_cast<double>(s.failures));
    for (size_t i = 0; i < s.buckets.size(); ++i) {
      const LabelRef bl[] = {{"class", s.klass}, {"le", les[i]}, {"peer", name}};
      out.Add(kRttBucket, bl, static_cast<double>(s.buckets[i]));
    }
    const LabelRef inf[] = {{"class", s.klass}, {"le", les.back()}, {"peer", name}};
    out.Add(kRttBucket, inf, static_cast<double>(s.count));
    out.Add(kRttSum, labels, s.sum);
    out.Add(kRttCount, labels, static_cast<double>(s.count));
  }
}

}  // namespace hostmon::agent
