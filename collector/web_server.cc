// SPDX-License-Identifier: Apache-2.0
#include "collector/web_server.h"

#include <vector>

#include "CivetServer.h"
#include "absl/strings/str_cat.h"

namespace hostmon::collector {
namespace {

class RouteHandler : public CivetHandler {
 public:
  explicit RouteHandler(WebServer::Handler handler) : handler_(std::move(handler)) {}
  bool handleGet(CivetServer*, mg_connection* conn) override { return Serve(conn, true); }
  bool handleHead(CivetServer*, mg_connection* conn) override { return Serve(conn, false); }

 private:
  bool Serve(mg_connection* conn, bool with_body) {
    std::string body;
    std::string content_type = "text/plain; charset=utf-8";
    int code = handler_(&body, &content_type);
    mg_printf(conn,
              "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
              "Cache-Control: no-store\r\nConnection: close\r\n\r\n",
              code, mg_get_response_code_text(conn, code), content_type.c_str(), body.size());
    if (with_body) mg_write(conn, body.data(), body.size());
    return true;
  }
  WebServer::Handler handler_;
};

}  // namespace

WebServer::~WebServer() {
  if (server_) server_->close();
}

absl::StatusOr<std::unique_ptr<WebServer>> WebServer::Start(const std::string& address,
                                                            std::map<std::string, Handler> routes) {
  // civetweb spells "all interfaces" as a bare port.
  std::string host;
  std::string port_spec = address;
  size_t colon = address.rfind(':');
  if (colon == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("web listen address \"", address, "\": expected host:port or :port"));
  }
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
  std::vector<int> ports = web->server_->getListeningPorts();
  int port = ports.empty() ? 0 : ports[0];
  web->bound_address_ = absl::StrCat(host.empty() ? "0.0.0.0" : host, ":", port);
  return web;
}

}  // namespace hostmon::collector
