// SPDX-License-Identifier: Apache-2.0
//
// The collector's HTTP side (civetweb, which prometheus-cpp already depends on): /metrics,
// /-/healthy, /-/ready and a landing page. Owning the server, rather than using prometheus-cpp's
// Exposer, lets the collector add endpoints such as /-/reload and /api/v1/alerts.
//
// Routing is done here, not by civetweb (whose handlers match any path below theirs, so /metrics
// would also answer /metrics/anything): a route answers its exact path only, except a route whose
// path ends in '/' (e.g. "/metrics/hosts/"), which answers every longer path below it. Anything
// else is 404.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

class CivetServer;
class CivetHandler;

namespace hostmon::collector {

class WebServer {
 public:
  // A handler fills the body and content type and returns the HTTP status code. Routes with a
  // plain Handler answer GET and HEAD (other methods get 405).
  using Handler = std::function<int(std::string* body, std::string* content_type)>;
  // What a RequestHandler sees of the request: any method; the body is read up to 1 MiB.
  struct Request {
    std::string method;  // "GET", "POST", ...
    // The percent-decoded path, without dot-segment removal: "/metrics/hosts/a/../b" stays as is,
    // so a prefix route sees exactly what the client asked for and gives ".." no meaning.
    std::string path;
    std::string query;  // the raw query string, without '?'
    std::string host;   // the Host header ("" if none): the address the client used
    std::string body;
  };
  // For endpoints that depend on the method or body (POST /-/reload).
  using RequestHandler =
      std::function<int(const Request& request, std::string* body, std::string* content_type)>;

  ~WebServer();
  // Checks the form of a listen address, as Start does before it binds: "host:port" or ":port"
  // with a port from 0 to 65535.
  static absl::Status CheckAddress(const std::string& address);
  // Listens on `address` ("host:port", ":port"; port 0 picks a free one).
  static absl::StatusOr<std::unique_ptr<WebServer>> Start(
      const std::string& address, std::map<std::string, Handler> routes,
      std::map<std::string, RequestHandler> request_routes = {});
  // The address actually bound, e.g. "127.0.0.1:9711".
  const std::string& bound_address() const { return bound_address_; }

 private:
  WebServer() = default;
  std::unique_ptr<CivetServer> server_;
  std::unique_ptr<CivetHandler> dispatcher_;
  std::string bound_address_;
};

}  // namespace hostmon::collector
