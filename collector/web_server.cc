// SPDX-License-Identifier: Apache-2.0
#include "collector/web_server.h"

#include <vector>

#include "CivetServer.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace hostmon::collector {
namespace {

constexpr size_t kMaxRequestBody = 1 << 20;

class RouteHandler : public CivetHandler {
 public:
  explicit RouteHandler(WebServer::Handler handler) : handler_(std::move(handler)) {}
  explicit RouteHandler(WebServer::RequestHandler handler) : request_handler_(std::move(handler)) {}
  bool handleGet(CivetServer*, mg_connection* conn) override { return Serve(conn, true); }
  bool handleHead(CivetServer*, mg_connection* conn) override { return Serve(conn, false); }
  bool handlePost(CivetServer*, mg_connection* conn) override { return Serve(conn, true); }
  bool handlePut(CivetServer*, mg_connection* conn) override { return Serve(conn, true); }
  bool handleDelete(CivetServer*, mg_connection* conn) override { return Serve(conn, true); }

 private:
  bool Serve(mg_connection* conn, bool with_body) {
    std::string body;
    std::string content_type = "text/plain; charset=utf-8";
    const mg_request_info* info = mg_get_request_info(conn);
    const std::string method = info->request_method != nullptr ? info->request_method : "";
    int code;
    if (request_handler_) {
      WebServer::Request request;
      request.method = method;
      if (info->query_string != nullptr) request.query = info->query_string;
      char buf[8192];
      int n;
      while ((n = mg_read(conn, buf, sizeof(buf))) > 0 && request.body.size() < kMaxRequestBody) {
        request.body.append(buf, static_cast<size_t>(n));
      }
      code = request_handler_(request, &body, &content_type);
    } else if (method == "GET" || method == "HEAD") {
      code = handler_(&body, &content_type);
    } else {
      code = 405;
      body = absl::StrCat("method ", method, " not allowed; use GET\n");
    }
    mg_printf(conn,
              "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
              "Cache-Control: no-store\r\nConnection: close\r\n\r\n",
              code, mg_get_response_code_text(conn, code), content_type.c_str(), body.size());
    if (with_body) mg_write(conn, body.data(), body.size());
    return true;
  }
  WebServer::Handler handler_;
  WebServer::RequestHandler request_handler_;
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
  for (auto& [path, handler] : routes) {
    auto h = std::make_unique<RouteHandler>(std::move(handler));
    web->server_->addHandler(path, h.get());
    web->handlers_[path] = std::move(h);
  }
  for (auto& [path, handler] : request_routes) {
    auto h = std::make_unique<RouteHandler>(std::move(handler));
    web->server_->addHandler(path, h.get());
    web->handlers_[path] = std::move(h);
  }
  std::vector<int> ports = web->server_->getListeningPorts();
  int port = ports.empty() ? 0 : ports[0];
  web->bound_address_ = absl::StrCat(host.empty() ? "0.0.0.0" : host, ":", port);
  return web;
}

}  // namespace hostmon::collector
