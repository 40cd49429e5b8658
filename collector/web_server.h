// SPDX-License-Identifier: Apache-2.0
//
// The collector's HTTP side: /metrics, /-/healthy, /-/ready, the fleet page, /-/reload,
// /api/v1/alerts... An HTTP/1.1 server of its own (epoll, OpenSSL), because the web port faces
// every client on the network and must stay up for Prometheus whatever they do:
//
// - One event-loop thread does all socket I/O (TLS handshakes, reading requests, writing
//   responses) without blocking, so idle, slow ("slowloris") or slow-reading clients cost a
//   file descriptor and a buffer each, never a thread. Each connection has a deadline:
//   `read_timeout` from accept to the end of its request, `write_timeout` for its response;
//   past it the connection is closed. At `max_connections` open connections the server stops
//   accepting until one closes (new clients wait in the kernel's backlog), like Prometheus's
//   --web.max-connections.
// - A small pool of workers runs the handlers (and bcrypt), so a slow handler never stalls I/O.
// - TLS and basic auth come from the web config file (common/http/web_config.h, Prometheus's
//   --web.config.file format). Every route needs the credentials when users are configured.
// - One request per connection (responses carry "Connection: close"); request headers at most
//   64 KiB, bodies at most 1 MiB with Content-Length (413 past it; chunked bodies get 411).
// - Successful answers of 1 KiB or more are gzipped (level 1) when the request's Accept-Encoding
//   allows it, as Prometheus's client libraries do for every scrape.
// - Streamed answers (StreamHandler: /metrics of a large fleet) never exist whole in memory. The
//   handler decides the status and content type, then a worker produces the body in pieces
//   while the loop thread writes them out: at most kStreamQueueBytes wait per connection, and
//   the producer sleeps (condition variable) until the socket takes them, so a slow reader costs
//   a bounded buffer and a worker, never the loop thread and never a render held in memory. The
//   write function returns false once the client is gone or write_timeout (counted from the
//   first byte of the answer) has passed, and the producer stops. At most workers - 1 answers
//   stream at once (at least one); past that a streamed route's body is made whole like any
//   other answer, so that slow readers can never hold every worker. A body that ends within the
//   first kStreamStartBytes goes out as an ordinary answer (Content-Length, gzip from 1 KiB).
//   Longer ones use "Transfer-Encoding: chunked" for HTTP/1.1 clients, gzipped piece by piece
//   (common::http::GzipStream) when accepted. Chunked rather than an unframed body ended by the
//   close: a response cut short (the producer failed, the deadline passed, the collector stopped)
//   then lacks its last chunk, so the client reports an error instead of taking a truncated
//   exposition for a whole one (Prometheus's Go client, curl and Python's urllib all read
//   chunked bodies and fail on a missing last chunk). HTTP/1.0 clients, which do not know
//   chunked, get the body unframed up to the close. HEAD gets the head only, without running
//   the producer (so without a length).
//
// Routing: a route answers its exact path only, except a route whose path ends in '/' (e.g.
// "/metrics/hosts/"), which answers every longer path below it. Anything else is 404.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/http/web_config.h"

namespace hostmon::collector {

// Outside WebServer so that its default member initializers can serve a default argument there.
struct WebServerOptions {
  // TLS, basic auth users and extra headers; null: plain HTTP without authentication.
  std::shared_ptr<const common::WebConfig> web_config;
  int max_connections = 512;
  absl::Duration read_timeout = absl::Seconds(10);   // accept to complete request
  absl::Duration write_timeout = absl::Seconds(60);  // handler done to response sent
  int workers = 4;
};

class WebServer {
 public:
  // A handler fills the body and content type and returns the HTTP status code. Routes with a
  // plain Handler answer GET and HEAD (other methods get 405).
  using Handler = std::function<int(std::string* body, std::string* content_type)>;
  // What a RequestHandler sees of the request: any method; the whole body (at most 1 MiB).
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

  // A streamed body. The producer calls `write` with the body in pieces of any size; `write`
  // returns false once the client is gone or write_timeout passed, and the producer should then
  // return soon. The producer returns true when the body is complete; false cuts the answer short
  // (for HTTP/1.1 clients, without the last chunk, so they see an error).
  using BodyWriter = std::function<bool(absl::string_view piece)>;
  using BodyProducer = std::function<bool(const BodyWriter& write)>;
  // Answers any method, like a RequestHandler, with a status, content type and either a whole
  // *body (errors, short answers) or a *producer that streams it.
  using StreamHandler = std::function<int(const Request& request, std::string* body,
                                          std::string* content_type, BodyProducer* producer)>;
  // A streamed answer waits for the socket past this many queued bytes per connection.
  static constexpr size_t kStreamQueueBytes = 256 << 10;
  // A streamed body that ends within this many bytes goes out as an ordinary answer.
  static constexpr size_t kStreamStartBytes = 64 << 10;
  // The server's threads (named hm-web and hm-web-loop) run this much nicer than the process:
  // they yield to ingest.
  static constexpr int kWebThreadNiceSteps = 10;

  using Options = WebServerOptions;

  ~WebServer();
  // Checks the form of a listen address, as Start does before it binds: "host:port" or ":port"
  // with a port from 0 to 65535.
  static absl::Status CheckAddress(const std::string& address);
  // Listens on `address` ("host:port", ":port"; port 0 picks a free one).
  static absl::StatusOr<std::unique_ptr<WebServer>> Start(
      const std::string& address, std::map<std::string, Handler> routes,
      std::map<std::string, RequestHandler> request_routes = {}, Options options = {},
      std::map<std::string, StreamHandler> stream_routes = {});
  // The address actually bound, e.g. "127.0.0.1:9711".
  const std::string& bound_address() const { return bound_address_; }
  // Connections open now (accepted and not yet closed), for tests and metrics.
  int open_connections() const;

  class Impl;

 private:
  WebServer() = default;
  std::unique_ptr<Impl> impl_;
  std::string bound_address_;
};

}  // namespace hostmon::collector
