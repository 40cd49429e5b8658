// SPDX-License-Identifier: Apache-2.0
#include "collector/web_server.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "CivetServer.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace hostmon::collector {
namespace {

constexpr size_t kMaxRequestBody = 1 << 20;

// The one civetweb handler, registered at "/" (civetweb then passes it every path); it routes by
// the rules in web_server.h.
class Dispatcher : public CivetHandler {
 public:
  Dispatcher(std::map<std::string, WebServer::Handler> routes,
             std::map<std::string, WebServer::RequestHandler> request_routes) {
    for (auto& [path, handler] : routes) Add(path, Route{std::move(handler), nullptr});
    for (auto& [path, handler] : request_routes) Add(path, Route{nullptr, std::move(handler)});
    // Longest first, so the most specific prefix wins.
    std::sort(prefixes_.begin(), prefixes_.end(),
              [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  }
  bool handleGet(CivetServer*, mg_connection* conn) override { return Serve(conn, true); }
  bool handleHead(CivetServer*, mg_connection* conn) override { return Serve(conn, false); }
  bool handlePost(CivetServer*, mg_connection* conn) override { return Serve(conn, true); }
  bool handlePut(CivetServer*, mg_connection* conn) override { return Serve(conn, true); }
  bool handleDelete(CivetServer*, mg_connection* conn) override { return Serve(conn, true); }

 private:
  struct Route {
    WebServer::Handler handler;
    WebServer::RequestHandler request_handler;
  };

  void Add(const std::string& path, Route route) {
    if (path.size() > 1 && path.back() == '/') {
      prefixes_.emplace_back(path, std::move(route));
    } else {
      exact_[path] = std::move(route);
    }
  }

  const Route* Find(const std::string& path) const {
    auto it = exact_.find(path);
    if (it != exact_.end()) return &it->second;
    for (const auto& [prefix, route] : prefixes_) {
      if (path.size() > prefix.size() && absl::StartsWith(path, prefix)) return &route;
    }
    return nullptr;
  }

  bool Serve(mg_connection* conn, bool with_body) {
    std::string body;
    std::string content_type = "text/plain; charset=utf-8";
    const mg_request_info* info = mg_get_request_info(conn);
    WebServer::Request request;
    request.method = info->request_method != nullptr ? info->request_method : "";
    // local_uri_raw is percent-decoded but, unlike local_uri, not cleaned of dot segments.
    if (info->local_uri_raw != nullptr) request.path = info->local_uri_raw;
    const Route* route = Find(request.path);
    int code;
    if (route == nullptr) {
      code = 404;
      body = "404 page not found\n";
    } else if (route->request_handler) {
      if (info->query_string != nullptr) request.query = info->query_string;
      if (const char* host = mg_get_header(conn, "Host"); host != nullptr) request.host = host;
      char buf[8192];
      int n;
      while ((n = mg_read(conn, buf, sizeof(buf))) > 0 && request.body.size() < kMaxRequestBody) {
        request.body.append(buf, static_cast<size_t>(n));
      }
      code = route->request_handler(request, &body, &content_type);
    } else if (request.method == "GET" || request.method == "HEAD") {
      code = route->handler(&body, &content_type);
    } else {
      code = 405;
      body = absl::StrCat("method ", request.method, " not allowed; use GET\n");
    }
    mg_printf(conn,
              "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
              "Cache-Control: no-store\r\nConnection: close\r\n\r\n",
              code, mg_get_response_code_text(conn, code), content_type.c_str(), body.size());
    if (with_body) mg_write(conn, body.data(), body.size());
    return true;
  }

  std::map<std::string, Route> exact_;
  std::vector<std::pair<std::string, Route>> prefixes_;
};

}  // namespace

WebServer::~WebServer() {
  if (server_) server_->close();
}

absl::Status WebServer::CheckAddress(const std::string& address) {
  size_t colon = address.rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(address.substr(colon + 1), &port) ||
      port < 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "web listen address \"", address, "\": expected host:port or :port (port 0 to 65535)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<WebServer>> WebServer::Start(
    const std::string& address, std::map<std::string, Handler> routes,
    std::map<std::string, RequestHandler> request_routes) {
  if (absl::Status s = CheckAddress(address); !s.ok()) return s;
  // civetweb spells "all interfaces" as a bare port.
  std::string host;
  std::string port_spec = address;
  size_t colon = address.rfind(':');
  host = address.substr(0, colon);
  if (host.empty() || host == "0.0.0.0") port_spec = address.substr(colon + 1);
  std::vector<std::string> options = {"listening_ports",   port_spec, "num_threads", "4",
                                      "enable_keep_alive", "no"};
  auto web = std::unique_ptr<WebServer>(new WebServer());
  try {
    web->server_ = std::make_unique<CivetServer>(options);
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", address, " for HTTP: ", e.what()));
  }
  if (web->server_->getContext() == nullptr) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", address, " for HTTP"));
  }
  web->dispatcher_ = std::make_unique<Dispatcher>(std::move(routes), std::move(request_routes));
  web->server_->addHandler("/", web->dispatcher_.get());
  std::vector<int> ports = web->server_->getListeningPorts();
  int port = ports.empty() ? 0 : ports[0];
  web->bound_address_ = absl::StrCat(host.empty() ? "0.0.0.0" : host, ":", port);
  return web;
}

}  // namespace hostmon::collector
