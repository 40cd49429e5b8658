// SPDX-License-Identifier: Apache-2.0
// The web side's host views (http_sd targets, per-host paths, the fleet page) as pure functions,
// and the web server's routing (exact paths, prefix routes, 404) over a raw loopback socket.
#include "collector/host_views.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "collector/web_server.h"
#include "nlohmann/json.hpp"

namespace hostmon::collector {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1700000000);

HostSummary Host(std::string instance, HostState state,
                 std::vector<std::pair<std::string, std::string>> extra = {}) {
  HostSummary h;
  h.labels = std::move(extra);
  h.labels.emplace_back("instance", instance);
  h.labels.emplace_back("job", "node");
  std::sort(h.labels.begin(), h.labels.end());
  h.instance = std::move(instance);
  h.state = state;
  h.last_seen = kNow - absl::Seconds(3);
  h.last_batch = kNow - absl::Seconds(3);
  h.agent_version = "0.1.0";
  return h;
}

TEST_CASE("Per-host metrics paths: raw for Prometheus, percent-encoded for links",
          "[collector][targets]") {
  CHECK(HostMetricsPath("web-1.example.org") == "/metrics/hosts/web-1.example.org");
  // Prometheus escapes __metrics_path__ itself; pre-escaping would arrive twice escaped.
  CHECK(HostMetricsPath("a/b %") == "/metrics/hosts/a/b %");
  CHECK(HostMetricsUrlPath("web-1.example_org~") == "/metrics/hosts/web-1.example_org~");
  CHECK(HostMetricsUrlPath("a/../b %?#<") == "/metrics/hosts/a%2F..%2Fb%20%25%3F%23%3C");
  CHECK(HostMetricsUrlPath("h\xC3\xA9") == "/metrics/hosts/h%C3%A9");
}

TEST_CASE("The target address is the Host header when plausible, else the bound address",
          "[collector][targets]") {
  CHECK(TargetAddress("collector.example.org:9711", "0.0.0.0:9711") ==
        "collector.example.org:9711");
  CHECK(TargetAddress("[::1]:9711", "0.0.0.0:9711") == "[::1]:9711");
  CHECK(TargetAddress("", "127.0.0.1:9711") == "127.0.0.1:9711");
  CHECK(TargetAddress("evil/path", "127.0.0.1:9711") == "127.0.0.1:9711");
  CHECK(TargetAddress("a b", "127.0.0.1:9711") == "127.0.0.1:9711");
  CHECK(TargetAddress("user@host:1", "127.0.0.1:9711") == "127.0.0.1:9711");
  CHECK(TargetAddress(std::string(300, 'a'), "127.0.0.1:9711") == "127.0.0.1:9711");
}

TEST_CASE("http_sd targets: one group per host with path, instance, job and static labels",
          "[collector][targets]") {
  std::vector<HostSummary> hosts = {
      Host("db-1", HostState::kGone, {{"dc", "fra1"}}),
      Host("web \"1\"", HostState::kConnected),
  };
  // A label the store would refuse, to show it could never steer the scrape.
  hosts[1].labels.emplace_back("__address__", "evil:1");
  nlohmann::json doc = nlohmann::json::parse(EncodeHttpSdTargets(hosts, "127.0.0.1:9711"));
  nlohmann::json want = nlohmann::json::parse(R"([
    {"targets": ["127.0.0.1:9711"],
     "labels": {"__metrics_path__": "/metrics/hosts/db-1", "instance": "db-1", "job": "node",
                "dc": "fra1"}},
    {"targets": ["127.0.0.1:9711"],
     "labels": {"__metrics_path__": "/metrics/hosts/web \"1\"", "instance": "web \"1\"",
                "job": "node"}}
  ])");
  CHECK(doc == want);
  CHECK(EncodeHttpSdTargets({}, "x:1") == "[]");
}

TEST_CASE("HtmlEscape escapes the five HTML metacharacters", "[collector][fleet]") {
  CHECK(HtmlEscape("<script>alert('x')</script> & \"q\"") ==
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
  CHECK(HtmlEscape("plain") == "plain");
}

TEST_CASE("The fleet page lists hosts with state, escapes host-controlled text, is bounded",
          "[collector][fleet]") {
  std::vector<HostSummary> hosts = {
      Host("<script>alert(1)</script>", HostState::kStale, {{"dc", "\"><img src=x>"}}),
      Host("web-1", HostState::kConnected),
      Host("web-2", HostState::kGone),
  };
  hosts[0].agent_version = "<b>v</b>";
  hosts[1].last_batch = absl::InfinitePast();
  FleetPageOptions options;
  options.now = kNow;
  std::string page = RenderFleetPage(hosts, {{"web-1", 2}}, options);
  CHECK_THAT(page, !Catch::Contains("<script>"));
  CHECK_THAT(page, !Catch::Contains("<img"));
  CHECK_THAT(page, !Catch::Contains("<b>v"));
  CHECK_THAT(page, Catch::Contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
  CHECK_THAT(page,
             Catch::Contains("href=\"/metrics/hosts/%3Cscript%3Ealert%281%29%3C%2Fscript%3E\""));
  CHECK_THAT(page, Catch::Contains("3 hosts: 1 connected, 1 stale, 1 gone"));
  CHECK_THAT(page, Catch::Contains("<td class=\"state connected\">connected</td><td>never</td>"));
  CHECK_THAT(page, Catch::Contains(
                       "<td class=\"state gone\">gone</td><td>2023-11-14 22:13:17 UTC (3s ago)"));
  CHECK_THAT(page, Catch::Contains("<td class=\"firing\">2</td>"));
  // No agent reports its spool: no column, and the page says why.
  CHECK_THAT(page, !Catch::Contains("Spool backlog (batches)"));
  CHECK_THAT(page, Catch::Contains("No spool backlog column"));

  hosts[1].spool_pending_batches = 17;
  page = RenderFleetPage(hosts, {}, options);
  CHECK_THAT(page, Catch::Contains("<th>Spool backlog (batches)</th>"));
  CHECK_THAT(page, Catch::Contains("<td>17</td>"));
  CHECK_THAT(page, Catch::Contains("<td>&ndash;</td>"));

  // Many hosts with long names: rows and label text are capped.
  std::vector<HostSummary> many;
  std::vector<std::pair<std::string, std::string>> labels;
  for (int i = 0; i < 40; ++i) labels.emplace_back(absl::StrCat("l", i), std::string(1000, 'v'));
  for (int i = 0; i < 50; ++i) {
    many.push_back(Host(absl::StrCat(std::string(240, 'h'), i), HostState::kConnected, labels));
  }
  options.max_rows = 10;
  page = RenderFleetPage(many, {}, options);
  CHECK_THAT(page, Catch::Contains("40 more hosts not shown"));
  CHECK(page.size() < 40000);
}

// One raw HTTP/1.0 request; returns the status code (0 on failure) and the body.
int RawGet(const std::string& address, const std::string& target, std::string* body,
           const std::string& method = "GET") {
  size_t colon = address.rfind(':');
  int port = 0;
  if (!absl::SimpleAtoi(address.substr(colon + 1), &port)) return 0;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(port));
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0) {
    close(fd);
    return 0;
  }
  std::string req =
      absl::StrCat(method, " ", target, " HTTP/1.0\r\nHost: test.example:1234\r\n\r\n");
  if (write(fd, req.data(), req.size()) != static_cast<ssize_t>(req.size())) {
    close(fd);
    return 0;
  }
  std::string resp;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) resp.append(buf, static_cast<size_t>(n));
  close(fd);
  int code = 0;
  if (resp.size() < 12 || !absl::SimpleAtoi(resp.substr(9, 3), &code)) return 0;
  size_t end = resp.find("\r\n\r\n");
  *body = end == std::string::npos ? "" : resp.substr(end + 4);
  return code;
}

TEST_CASE("Web routes answer their exact path, prefix routes the decoded rest, others 404",
          "[collector][web]") {
  std::map<std::string, WebServer::Handler> routes;
  routes["/"] = [](std::string* body, std::string*) {
    *body = "root";
    return 200;
  };
  routes["/metrics"] = [](std::string* body, std::string*) {
    *body = "all";
    return 200;
  };
  std::map<std::string, WebServer::RequestHandler> request_routes;
  request_routes["/metrics/hosts/"] = [](const WebServer::Request& r, std::string* body,
                                         std::string*) {
    *body = absl::StrCat("host=[", r.path.substr(15), "] host-header=", r.host);
    return 200;
  };
  auto web = WebServer::Start("127.0.0.1:0", routes, request_routes);
  REQUIRE(web.ok());
  const std::string addr = (*web)->bound_address();
  std::string body;
  CHECK(RawGet(addr, "/", &body) == 200);
  CHECK(body == "root");
  CHECK(RawGet(addr, "/metrics", &body) == 200);
  CHECK(body == "all");
  CHECK(RawGet(addr, "/metrics?x=1", &body) == 200);
  CHECK(RawGet(addr, "/nope", &body) == 404);
  CHECK(RawGet(addr, "/metrics/", &body) == 404);
  CHECK(RawGet(addr, "/metricsx", &body) == 404);
  CHECK(RawGet(addr, "/metrics/other", &body) == 404);
  CHECK(RawGet(addr, "/metrics/hosts/", &body) == 404);
  CHECK(RawGet(addr, "/index.html", &body) == 404);
  CHECK(RawGet(addr, "/metrics", &body, "POST") == 405);

  CHECK(RawGet(addr, "/metrics/hosts/web-1", &body) == 200);
  CHECK(body == "host=[web-1] host-header=test.example:1234");
  // Percent-decoded once, and dot segments keep no meaning: they are part of the name.
  CHECK(RawGet(addr, "/metrics/hosts/a%2Fb%20c%25d%3F", &body) == 200);
  CHECK(body == "host=[a/b c%d?] host-header=test.example:1234");
  CHECK(RawGet(addr, "/metrics/hosts/..", &body) == 200);
  CHECK(body == "host=[..] host-header=test.example:1234");
  CHECK(RawGet(addr, "/metrics/hosts/../../metrics", &body) == 200);
  CHECK(body == "host=[../../metrics] host-header=test.example:1234");
  CHECK(RawGet(addr, "/metrics/hosts/%2E%2E", &body) == 200);
  CHECK(body == "host=[..] host-header=test.example:1234");
  // Dot segments elsewhere do not reach a route by normalisation either.
  CHECK(RawGet(addr, "/x/../metrics", &body) == 404);
}

}  // namespace
}  // namespace hostmon::collector
