// SPDX-License-Identifier: Apache-2.0
// The collector's web server with request routes, exercised by the libcurl transport the
// Alertmanager client uses: both real, over loopback.
#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "absl/synchronization/mutex.h"
#include "collector/alerting/curl_transport.h"
#include "collector/web_server.h"

namespace hostmon::collector::alerting {
namespace {

TEST_CASE("CurlTransport POSTs JSON to a request route, plain routes refuse POST", "[alerting]") {
  absl::Mutex mu;
  WebServer::Request seen;
  std::string seen_auth;
  std::map<std::string, WebServer::Handler> routes;
  routes["/plain"] = [](std::string* body, std::string*) {
    *body = "ok\n";
    return 200;
  };
  std::map<std::string, WebServer::RequestHandler> request_routes;
  request_routes["/api/v2/alerts"] = [&](const WebServer::Request& r, std::string* body,
                                         std::string* content_type) {
    absl::MutexLock lock(&mu);
    seen = r;
    *content_type = "application/json";
    *body = r.body == "[]" ? "" : "{\"code\":400,\"message\":\"bad\"}";
    return r.body == "[]" ? 200 : 400;
  };
  auto web = WebServer::Start("127.0.0.1:0", routes, request_routes);
  REQUIRE(web.ok());
  const std::string base = "http://" + (*web)->bound_address();

  CurlTransport transport(common::HttpClientOptions{});
  auto r = transport.PostJson(base + "/api/v2/alerts", "[]", absl::Seconds(5));
  REQUIRE(r.ok());
  CHECK(r->status == 200);
  {
    absl::MutexLock lock(&mu);
    CHECK(seen.method == "POST");
    CHECK(seen.body == "[]");
  }
  r = transport.PostJson(base + "/api/v2/alerts", "[{}]", absl::Seconds(5));
  REQUIRE(r.ok());
  CHECK(r->status == 400);
  CHECK(r->body == "{\"code\":400,\"message\":\"bad\"}");

  r = transport.PostJson(base + "/plain", "x", absl::Seconds(5));
  REQUIRE(r.ok());
  CHECK(r->status == 405);

  // Nothing listens there any more: an error status, not a response.
  const std::string address = (*web)->bound_address();
  web->reset();
  r = transport.PostJson("http://" + address + "/api/v2/alerts", "[]", absl::Seconds(2));
  CHECK_FALSE(r.ok());
}

}  // namespace
}  // namespace hostmon::collector::alerting
