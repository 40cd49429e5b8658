// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/probe/probe_modules.h"

#include <arpa/inet.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "agent/sources/common/curl_api.h"
#include "agent/sources/probe/dns_packet.h"
#include "common/net/tcp_connect.h"
#include "re2/re2.h"

namespace hostmon::agent::probe {

namespace {

double Seconds(absl::Duration d) { return absl::ToDoubleSeconds(d); }

ProbeResult Fail(ProbeResult r, absl::Time start, std::string error) {
  r.success = false;
  r.error = std::move(error);
  r.duration = absl::Now() - start;
  return r;
}

// A probe that ran into its deadline is observed at the time it waited (about its timeout): a
// target slower than its timeout must raise the response-time mean, not drop out of it.
ProbeResult TimedOut(ProbeResult r, absl::Time start, absl::Duration measured_from_start,
                     std::string error) {
  r = Fail(std::move(r), start, std::move(error));
  r.observations.push_back(Seconds(r.duration - measured_from_start));
  return r;
}

// ASN.1 time (a certificate's notAfter) to Unix seconds.
std::optional<double> AsnTimeToUnix(const ASN1_TIME* t) {
  struct tm tm = {};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return std::nullopt;
  return static_cast<double>(timegm(&tm));
}

std::string OpenSslError() {
  unsigned long e = ERR_get_error();
  if (e == 0) return "handshake failed";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof(buf));
  ERR_clear_error();
  return buf;
}

// A TLS client handshake over the connected non-blocking socket, bounded by deadline. Verifies
// the chain (system CAs or ca_file) and the name unless insecure; records the chain's earliest
// notAfter.
absl::Status TlsHandshake(int fd, const TargetConfig& target, absl::Time deadline, ProbeResult* r) {
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()),
                                                        SSL_CTX_free);
  if (!ctx) return absl::InternalError("TLS: SSL_CTX_new: " + OpenSslError());
  if (target.insecure) {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  } else {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
    const int ok = target.ca_file.empty()
                       ? SSL_CTX_set_default_verify_paths(ctx.get())
                       : SSL_CTX_load_verify_locations(ctx.get(), target.ca_file.c_str(), nullptr);
    if (ok != 1) {
      return absl::FailedPreconditionError(
          absl::StrCat("TLS: cannot load the CA file ", target.ca_file, ": ", OpenSslError()));
    }
  }
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(ctx.get()), SSL_free);
  if (!ssl) return absl::InternalError("TLS: SSL_new: " + OpenSslError());
  SSL_set_fd(ssl.get(), fd);
  const std::string& name = target.tls_server_name;
  in6_addr ip6;
  in_addr ip4;
  const bool literal =
      inet_pton(AF_INET, name.c_str(), &ip4) == 1 || inet_pton(AF_INET6, name.c_str(), &ip6) == 1;
  if (!literal) SSL_set_tlsext_host_name(ssl.get(), name.c_str());  // SNI takes names only
  if (!target.insecure) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl.get());
    if (literal) {
      X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str());
    } else {
      X509_VERIFY_PARAM_set1_host(param, name.c_str(), 0);
    }
  }
  for (;;) {
    ERR_clear_error();
    const int rc = SSL_connect(ssl.get());
    if (rc == 1) break;
    const int err = SSL_get_error(ssl.get(), rc);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
      if (!net::WaitFor(fd, err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline).ok()) {
        return absl::DeadlineExceededError("TLS handshake: timed out");
      }
      continue;
    }
    const long verify = SSL_get_verify_result(ssl.get());
    if (verify != X509_V_OK) {
      return absl::UnavailableError(absl::StrCat("TLS handshake: certificate verification failed: ",
                                                 X509_verify_cert_error_string(verify)));
    }
    if (err == SSL_ERROR_SYSCALL || err == SSL_ERROR_ZERO_RETURN) {
      return absl::UnavailableError("TLS handshake: connection closed by the peer");
    }
    return absl::UnavailableError("TLS handshake: " + OpenSslError());
  }
  STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl.get());
  for (int i = 0; chain != nullptr && i < sk_X509_num(chain); ++i) {
    auto t = AsnTimeToUnix(X509_get0_notAfter(sk_X509_value(chain, i)));
    if (t && (!r->cert_expiry || *t < *r->cert_expiry)) r->cert_expiry = t;
  }
  SSL_shutdown(ssl.get());  // one non-blocking close_notify; the answer is not awaited
  return absl::OkStatus();
}

// First resolved address of host, recording the resolution time and protocol.
absl::StatusOr<net::SocketAddress> ResolveOne(const std::string& host, const std::string& port,
                                              const TargetConfig& target, absl::Time deadline,
                                              ProbeResult* r) {
  const absl::Time t0 = absl::Now();
  auto addrs = net::Resolve(host, port, target.ip, deadline);
  r->resolve = absl::Now() - t0;
  if (!addrs.ok()) return addrs.status();
  const net::SocketAddress& a = addrs->front();
  r->ip_protocol = a.family() == AF_INET6 ? 6 : 4;
  return a;
}

}  // namespace

ProbeResult RunTcp(const TargetConfig& target, absl::Time deadline) {
  const absl::Time start = absl::Now();
  ProbeResult r;
  std::string host, port;
  if (absl::Status s = net::SplitHostPort(target.address, &host, &port); !s.ok()) {
    return Fail(std::move(r), start, std::string(s.message()));
  }
  auto addr = ResolveOne(host, port, target, deadline, &r);
  if (!addr.ok()) return Fail(std::move(r), start, std::string(addr.status().message()));
  const absl::Time t1 = absl::Now();
  auto fd = net::ConnectTcp(*addr, deadline);
  r.connect = absl::Now() - t1;
  if (!fd.ok()) {
    if (absl::IsDeadlineExceeded(fd.status())) {
      return TimedOut(std::move(r), start, t1 - start, std::string(fd.status().message()));
    }
    return Fail(std::move(r), start, std::string(fd.status().message()));
  }
  if (target.tls) {
    const absl::Time t2 = absl::Now();
    absl::Status s = TlsHandshake(fd->get(), target, deadline, &r);
    r.tls = absl::Now() - t2;
    if (absl::IsDeadlineExceeded(s)) {
      return TimedOut(std::move(r), start, t1 - start,
                      absl::StrCat(addr->ToString(), ": ", s.message()));
    }
    if (!s.ok()) {
      return Fail(std::move(r), start, absl::StrCat(addr->ToString(), ": ", s.message()));
    }
  }
  r.observations.push_back(Seconds(r.connect + r.tls));
  r.success = true;
  r.duration = absl::Now() - start;
  return r;
}

namespace {

// Body bytes kept for body_regex; the rest is counted and dropped, so that a huge or endless
// body costs no memory (it still costs the target's deadline).
constexpr size_t kMaxBody = 1 << 20;

struct HttpBody {
  bool keep = false;
  std::string text;
  size_t bytes = 0;
};

size_t WriteBody(char* data, size_t size, size_t n, void* user) {
  auto* b = static_cast<HttpBody*>(user);
  const size_t len = size * n;
  b->bytes += len;
  if (b->keep && b->text.size() < kMaxBody) {
    b->text.append(data, std::min(len, kMaxBody - b->text.size()));
  }
  return len;
}

absl::Duration Micros(curl_off_t us) { return absl::Microseconds(std::max<curl_off_t>(0, us)); }

}  // namespace

ProbeResult RunHttp(const TargetConfig& target, absl::Time deadline) {
  const absl::Time start = absl::Now();
  ProbeResult r;
  const CurlApi& c = Curl();
  if (!c.status.ok()) return Fail(std::move(r), start, std::string(c.status.message()));
  std::unique_ptr<CURL, decltype(c.easy_cleanup)> easy(c.easy_init(), c.easy_cleanup);
  if (!easy) return Fail(std::move(r), start, "curl_easy_init failed");
  CURL* e = easy.get();
  const long timeout_ms =
      std::max<long>(1, static_cast<long>(absl::ToInt64Milliseconds(deadline - absl::Now())));
  HttpBody body;
  body.keep = target.body_re != nullptr;
  char error[CURL_ERROR_SIZE] = {0};
  c.easy_setopt(e, CURLOPT_URL, target.url.c_str());
  c.easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  c.easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  c.easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  c.easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
  c.easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  // Every probe measures a new connection (blackbox_exporter does the same), not a kept-alive one.
  c.easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
  c.easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
  c.easy_setopt(e, CURLOPT_FOLLOWLOCATION, target.follow_redirects ? 1L : 0L);
  c.easy_setopt(e, CURLOPT_MAXREDIRS, 10L);
  c.easy_setopt(e, CURLOPT_WRITEFUNCTION, WriteBody);
  c.easy_setopt(e, CURLOPT_WRITEDATA, &body);
  c.easy_setopt(e, CURLOPT_ERRORBUFFER, error);
  c.easy_setopt(e, CURLOPT_USERAGENT, "hostmon-agent probe");
  c.easy_setopt(e, CURLOPT_SSL_VERIFYPEER, target.insecure ? 0L : 1L);
  c.easy_setopt(e, CURLOPT_SSL_VERIFYHOST, target.insecure ? 0L : 2L);
  c.easy_setopt(e, CURLOPT_CERTINFO, 1L);
  if (!target.ca_file.empty()) c.easy_setopt(e, CURLOPT_CAINFO, target.ca_file.c_str());
  c.easy_setopt(e, CURLOPT_IPRESOLVE,
                target.ip == net::IpPreference::kIpv4Only   ? CURL_IPRESOLVE_V4
                : target.ip == net::IpPreference::kIpv6Only ? CURL_IPRESOLVE_V6
                                                            : CURL_IPRESOLVE_WHATEVER);
  if (target.method == "HEAD") {
    c.easy_setopt(e, CURLOPT_NOBODY, 1L);
  } else if (target.method == "POST") {
    c.easy_setopt(e, CURLOPT_POSTFIELDSIZE, 0L);
    c.easy_setopt(e, CURLOPT_POSTFIELDS, "");
  }
  const CURLcode code = c.easy_perform(e);

  curl_off_t namelookup = 0, connect = 0, appconnect = 0, pretransfer = 0, starttransfer = 0,
             total = 0, length = -1;
  c.easy_getinfo(e, CURLINFO_NAMELOOKUP_TIME_T, &namelookup);
  c.easy_getinfo(e, CURLINFO_CONNECT_TIME_T, &connect);
  c.easy_getinfo(e, CURLINFO_APPCONNECT_TIME_T, &appconnect);
  c.easy_getinfo(e, CURLINFO_PRETRANSFER_TIME_T, &pretransfer);
  c.easy_getinfo(e, CURLINFO_STARTTRANSFER_TIME_T, &starttransfer);
  c.easy_getinfo(e, CURLINFO_TOTAL_TIME_T, &total);
  c.easy_getinfo(e, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
  c.easy_getinfo(e, CURLINFO_RESPONSE_CODE, &r.status_code);
  c.easy_getinfo(e, CURLINFO_REDIRECT_COUNT, &r.redirects);
  const char* ip = nullptr;
  if (c.easy_getinfo(e, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip != nullptr && *ip != 0) {
    r.ip_protocol = std::strchr(ip, ':') != nullptr ? 6 : 4;
  }
  const char* effective = nullptr;
  c.easy_getinfo(e, CURLINFO_EFFECTIVE_URL, &effective);
  r.http_ssl = effective != nullptr && absl::StartsWith(effective, "https://") && appconnect > 0;
  // The phases of blackbox_exporter's probe_http_duration_seconds from curl's cumulative times
  // (https://curl.se/libcurl/c/curl_easy_getinfo.html#TIMES).
  r.resolve = Micros(namelookup);
  if (connect > 0) r.http_connect = Micros(connect - namelookup);
  if (appconnect > 0) r.http_tls = Micros(appconnect - connect);
  if (starttransfer > 0) r.http_processing = Micros(starttransfer - pretransfer);
  if (starttransfer > 0) r.http_transfer = Micros(total - starttransfer);
  r.content_length = static_cast<double>(length);

  if (r.http_ssl) {
    curl_certinfo* info = nullptr;
    if (c.easy_getinfo(e, CURLINFO_CERTINFO, &info) == CURLE_OK && info != nullptr) {
      std::vector<std::string> lines;
      for (int i = 0; i < info->num_of_certs; ++i) {
        for (curl_slist* s = info->certinfo[i]; s != nullptr; s = s->next) {
          if (absl::StartsWith(s->data, "Expire date:")) lines.emplace_back(s->data);
        }
      }
      r.cert_expiry = EarliestExpireDate(lines);
    }
  }

  const std::string what = absl::StrCat(target.method, " ", target.url);
  if (code != CURLE_OK) {
    if (code == CURLE_OPERATION_TIMEDOUT) {
      return TimedOut(std::move(r), start, absl::ZeroDuration(),
                      absl::StrCat(what, ": timed out after ",
                                   absl::FormatDuration(absl::Milliseconds(timeout_ms))));
    }
    return Fail(std::move(r), start,
                absl::StrCat(what, ": ", error[0] != 0 ? error : c.easy_strerror(code)));
  }
  r.observations.push_back(Seconds(Micros(total)));
  if (!StatusAccepted(target.valid_status_codes, r.status_code)) {
    return Fail(std::move(r), start,
                absl::StrCat(what, ": HTTP status ", r.status_code, " is not a valid status"));
  }
  if (target.body_re != nullptr && !RE2::PartialMatch(body.text, *target.body_re)) {
    r.failed_due_to_regex = true;
    return Fail(
        std::move(r), start,
        absl::StrCat(what, ": the body does not match body_regex \"", target.body_regex, "\""));
  }
  r.success = true;
  r.duration = absl::Now() - start;
  return r;
}

std::optional<double> EarliestExpireDate(const std::vector<std::string>& certinfo_lines) {
  std::optional<double> earliest;
  for (const auto& line : certinfo_lines) {
    absl::string_view v = line;
    if (!absl::ConsumePrefix(&v, "Expire date:")) continue;
    // OpenSSL's ASN1_TIME_print format: "Jan  2 03:04:05 2030 GMT" (always GMT).
    std::string text(absl::StripAsciiWhitespace(v));
    struct tm tm = {};
    const char* end = strptime(text.c_str(), "%b %d %H:%M:%S %Y GMT", &tm);
    if (end == nullptr || *end != 0) continue;
    const double t = static_cast<double>(timegm(&tm));
    if (!earliest || t < *earliest) earliest = t;
  }
  return earliest;
}

namespace {

// An unprivileged ICMP echo socket (Linux "ping socket"): the kernel fills in the identifier
// and checksum and hands back only the replies to this socket.
absl::StatusOr<net::UniqueFd> PingSocket(int family) {
  const int proto =
      family == AF_INET6 ? static_cast<int>(IPPROTO_ICMPV6) : static_cast<int>(IPPROTO_ICMP);
  net::UniqueFd fd(::socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, proto));
  if (!fd.valid()) {
    return absl::ErrnoToStatus(errno, family == AF_INET6 ? "ICMPv6 ping socket" : "ping socket");
  }
  return fd;
}

std::string ReadPingGroupRange() {
  std::ifstream in("/proc/sys/net/ipv4/ping_group_range");
  std::string low, high;
  if (!(in >> low >> high)) return "(unreadable)";
  return absl::StrCat(low, " ", high);
}

}  // namespace

absl::Status CheckIcmpAllowed() {
  auto fd = PingSocket(AF_INET);
  if (fd.ok()) return absl::OkStatus();
  if (absl::IsPermissionDenied(fd.status())) {
    const gid_t gid = getgid();
    return absl::FailedPreconditionError(absl::StrCat(
        "module icmp: the kernel refuses unprivileged ICMP sockets to this process (group ", gid,
        "): sysctl net.ipv4.ping_group_range is \"", ReadPingGroupRange(),
        "\"; allow the group with sysctl -w net.ipv4.ping_group_range=\"", gid, " ", gid,
        "\" (or a range that contains it), or probe these targets with module tcp"));
  }
  return absl::FailedPreconditionError(
      absl::StrCat("module icmp: cannot open an ICMP socket: ", fd.status().message(),
                   "; probe these targets with module tcp"));
}

ProbeResult RunIcmp(const TargetConfig& target, absl::Time deadline) {
  const absl::Time start = absl::Now();
  ProbeResult r;
  auto addr = ResolveOne(target.host, "0", target, deadline, &r);
  if (!addr.ok()) return Fail(std::move(r), start, std::string(addr.status().message()));
  net::SocketAddress to = *addr;
  const bool v6 = to.family() == AF_INET6;
  auto fd = PingSocket(to.family());
  if (!fd.ok()) return Fail(std::move(r), start, std::string(fd.status().message()));

  // Each echo may wait its share of the time left, so that a lost one does not eat the others'.
  const absl::Duration share = (deadline - absl::Now()) / target.count;
  // Sequence numbers continue across rounds so that a late reply from the previous round is not
  // taken for this round's.
  static std::atomic<uint16_t> next_seq{1};
  absl::Duration sum;
  for (int i = 0; i < target.count; ++i) {
    const absl::Time now = absl::Now();
    if (now >= deadline) break;
    const uint16_t seq = next_seq.fetch_add(1);
    unsigned char packet[64] = {0};  // 8 bytes header + 56 bytes payload, as ping(8)
    packet[0] = v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
    packet[6] = static_cast<unsigned char>(seq >> 8);
    packet[7] = static_cast<unsigned char>(seq & 0xff);
    const absl::Time sent = absl::Now();
    if (::sendto(fd->get(), packet, sizeof(packet), 0, reinterpret_cast<sockaddr*>(&to.storage),
                 to.length) < 0) {
      if (r.error.empty()) r.error = absl::StrCat("echo to ", to.ToString(), ": ", strerror(errno));
      ++r.sent;
      continue;
    }
    ++r.sent;
    const absl::Time echo_deadline = std::min(deadline, sent + share);
    for (;;) {
      if (!net::WaitFor(fd->get(), POLLIN, echo_deadline).ok()) break;
      unsigned char reply[1500];
      const ssize_t n = ::recv(fd->get(), reply, sizeof(reply), 0);
      if (n < 8) continue;  // EAGAIN, an error queued by an ICMP unreachable, or a runt
      const unsigned char want = v6 ? ICMP6_ECHO_REPLY : ICMP_ECHOREPLY;
      const uint16_t got = static_cast<uint16_t>((reply[6] << 8) | reply[7]);
      if (reply[0] != want || got != seq) continue;
      const absl::Duration rtt = absl::Now() - sent;
      if (r.received == 0 || rtt < r.rtt_min) r.rtt_min = rtt;
      if (rtt > r.rtt_max) r.rtt_max = rtt;
      sum += rtt;
      ++r.received;
      r.observations.push_back(Seconds(rtt));
      break;
    }
  }
  if (r.received > 0) r.rtt_avg = sum / r.received;
  if (r.received == 0) {
    return Fail(
        std::move(r), start,
        absl::StrCat("no echo reply from ", to.ToString().substr(0, to.ToString().rfind(':')), " (",
                     r.sent, " sent)", r.error.empty() ? "" : ": ", r.error));
  }
  r.error.clear();
  r.success = true;
  r.duration = absl::Now() - start;
  return r;
}

ProbeResult RunDns(const TargetConfig& target, absl::Time deadline) {
  const absl::Time start = absl::Now();
  ProbeResult r;
  std::string host, port;
  if (!net::SplitHostPort(target.server, &host, &port).ok()) {
    if (absl::Status s = net::SplitHostPort(target.server + ":53", &host, &port); !s.ok()) {
      return Fail(std::move(r), start, std::string(s.message()));
    }
  }
  auto addr = ResolveOne(host, port, target, deadline, &r);
  if (!addr.ok()) return Fail(std::move(r), start, std::string(addr.status().message()));
  net::UniqueFd fd(::socket(addr->family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid() ||
      ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr->storage), addr->length) < 0) {
    return Fail(std::move(r), start,
                absl::StrCat("DNS server ", addr->ToString(), ": ", strerror(errno)));
  }
  static std::atomic<uint16_t> next_id{static_cast<uint16_t>(absl::ToUnixNanos(absl::Now()))};
  const uint16_t id = next_id.fetch_add(1);
  auto query = BuildDnsQuery(id, target.query_name, target.query_type_code);
  if (!query.ok()) return Fail(std::move(r), start, std::string(query.status().message()));
  const std::string what =
      absl::StrCat(target.query_type, " ", target.query_name, " at ", addr->ToString());
  const absl::Time sent = absl::Now();
  if (::send(fd.get(), query->data(), query->size(), 0) < 0) {
    return Fail(std::move(r), start, absl::StrCat(what, ": ", strerror(errno)));
  }
  for (;;) {
    if (!net::WaitFor(fd.get(), POLLIN, deadline).ok()) {
      return TimedOut(std::move(r), start, sent - start,
                      absl::StrCat(what, ": no reply before the deadline"));
    }
    char buf[4096];
    const ssize_t n = ::recv(fd.get(), buf, sizeof(buf), 0);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      // ECONNREFUSED: an ICMP port unreachable came back (nothing listens there).
      return Fail(std::move(r), start, absl::StrCat(what, ": ", strerror(errno)));
    }
    auto reply = ParseDnsReplyHeader(absl::string_view(buf, static_cast<size_t>(n)));
    if (!reply.ok() || reply->id != id) continue;  // not the answer to this query
    r.dns_request = absl::Now() - sent;
    r.dns_replied = true;
    r.dns_answers = reply->answers;
    r.dns_authority = reply->authority;
    r.dns_additional = reply->additional;
    r.observations.push_back(Seconds(r.dns_request));
    if (std::find(target.valid_rcodes.begin(), target.valid_rcodes.end(), reply->rcode) ==
        target.valid_rcodes.end()) {
      return Fail(
          std::move(r), start,
          absl::StrCat(what, ": answer ", DnsRcodeName(reply->rcode), " is not a valid rcode"));
    }
    break;
  }
  r.success = true;
  r.duration = absl::Now() - start;
  return r;
}

ProbeResult RunProbe(const TargetConfig& target, absl::Time deadline) {
  switch (target.module) {
    case Module::kTcp:
      return RunTcp(target, deadline);
    case Module::kHttp:
      return RunHttp(target, deadline);
    case Module::kIcmp:
      return RunIcmp(target, deadline);
    case Module::kDns:
      return RunDns(target, deadline);
  }
  return ProbeResult{};
}

}  // namespace hostmon::agent::probe
