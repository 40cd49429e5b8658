// SPDX-License-Identifier: Apache-2.0
#include "collector/web_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <initializer_list>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/http/gzip.h"
#include "common/thread_name.h"
#include "common/thread_priority.h"

namespace hostmon::collector {
namespace {

constexpr size_t kMaxHeaderBytes = 64 << 10;
constexpr size_t kMaxRequestBody = 1 << 20;
// Answers at least this long are gzipped for clients sending "Accept-Encoding: gzip".
constexpr size_t kGzipMinBytes = 1024;

const char* StatusText(int code) {
  switch (code) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 411:
      return "Length Required";
    case 413:
      return "Content Too Large";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    default:
      return code < 400 ? "OK" : code < 500 ? "Client Error" : "Server Error";
  }
}

// Percent-decodes `in` once; false on a malformed escape. No dot-segment removal: a prefix route
// sees exactly what the client asked for, and ".." has no meaning.
bool PercentDecode(absl::string_view in, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out->push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return false;
    auto hex = [](char c) {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    const int hi = hex(in[i + 1]), lo = hex(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return true;
}

// A parsed request head. Header names are lower-cased; only the ones the server uses are kept.
struct RequestHead {
  WebServer::Request request;
  std::string authorization;
  size_t content_length = 0;
  bool expect_continue = false;
  bool accepts_gzip = false;
  bool http10 = false;  // an HTTP/1.0 client: no chunked bodies
};

// Parses "METHOD SP target SP HTTP/1.x CRLF (name: value CRLF)*" (without the final CRLF).
// Returns 0 or the status code to answer with.
int ParseHead(absl::string_view head, RequestHead* out) {
  std::vector<absl::string_view> lines = absl::StrSplit(head, "\r\n");
  std::vector<absl::string_view> first = absl::StrSplit(lines[0], ' ');
  if (first.size() != 3 || first[0].empty() || !absl::StartsWith(first[2], "HTTP/1.")) return 400;
  for (char c : first[0]) {
    if (!absl::ascii_isupper(static_cast<unsigned char>(c))) return 400;
  }
  out->request.method = std::string(first[0]);
  out->http10 = first[2] == "HTTP/1.0";
  absl::string_view target = first[1];
  if (target.empty() || target[0] != '/') return 400;
  size_t q = target.find('?');
  if (q != absl::string_view::npos) {
    out->request.query = std::string(target.substr(q + 1));
    target = target.substr(0, q);
  }
  if (!PercentDecode(target, &out->request.path)) return 400;
  bool has_length = false;
  for (size_t i = 1; i < lines.size(); ++i) {
    absl::string_view line = lines[i];
    size_t colon = line.find(':');
    // No name, or obsolete line folding (a continuation line starting with white space).
    if (colon == absl::string_view::npos || colon == 0 || line[0] == ' ' || line[0] == '\t') {
      return 400;
    }
    const std::string name = absl::AsciiStrToLower(line.substr(0, colon));
    absl::string_view value = absl::StripAsciiWhitespace(line.substr(colon + 1));
    if (name == "host") {
      out->request.host = std::string(value);
    } else if (name == "authorization") {
      out->authorization = std::string(value);
    } else if (name == "content-length") {
      if (has_length || !absl::SimpleAtoi(value, &out->content_length)) return 400;
      has_length = true;
    } else if (name == "transfer-encoding") {
      return 411;  // chunked request bodies are not supported: send a Content-Length
    } else if (name == "accept-encoding") {
      out->accepts_gzip = common::http::AcceptsGzip(value);
    } else if (name == "expect") {
      out->expect_continue = absl::EqualsIgnoreCase(value, "100-continue");
    }
  }
  if (out->content_length > kMaxRequestBody) return 413;
  return 0;
}

// The head of an answer. `framing` is its "Content-Length: n\r\n" or "Transfer-Encoding:
// chunked\r\n" line, or empty (a body up to the close, or none).
std::string FormatHead(int code, const std::string& content_type, absl::string_view framing,
                       const common::WebConfig* config, bool challenge, bool gzipped) {
  std::string out =
      absl::StrCat("HTTP/1.1 ", code, " ", StatusText(code), "\r\nContent-Type: ", content_type,
                   "\r\n", framing, "Cache-Control: no-store\r\nConnection: close\r\n");
  if (gzipped) absl::StrAppend(&out, "Content-Encoding: gzip\r\nVary: Accept-Encoding\r\n");
  if (challenge) absl::StrAppend(&out, "WWW-Authenticate: Basic realm=\"hostmon\"\r\n");
  if (config != nullptr) {
    for (const auto& [name, value] : config->headers)
      absl::StrAppend(&out, name, ": ", value, "\r\n");
  }
  out.append("\r\n");
  return out;
}

std::string FormatResponse(int code, const std::string& content_type, const std::string& body,
                           bool with_body, const common::WebConfig* config, bool challenge,
                           bool gzipped = false) {
  std::string out =
      FormatHead(code, content_type, absl::StrCat("Content-Length: ", body.size(), "\r\n"), config,
                 challenge, gzipped);
  if (with_body) out.append(body);
  return out;
}

}  // namespace

class WebServer::Impl {
 public:
  struct Route {
    Handler handler;
    RequestHandler request_handler;
    StreamHandler stream_handler;
  };

  Impl(std::map<std::string, Handler> routes, std::map<std::string, RequestHandler> request_routes,
       std::map<std::string, StreamHandler> stream_routes, Options options)
      : options_(std::move(options)),
        auth_(options_.web_config ? options_.web_config->basic_auth_users
                                  : std::map<std::string, std::string>{}) {
    for (auto& [path, handler] : routes) Add(path, Route{std::move(handler), nullptr, nullptr});
    for (auto& [path, handler] : request_routes) {
      Add(path, Route{nullptr, std::move(handler), nullptr});
    }
    for (auto& [path, handler] : stream_routes) {
      Add(path, Route{nullptr, nullptr, std::move(handler)});
    }
    // Longest first, so the most specific prefix wins.
    std::sort(prefixes_.begin(), prefixes_.end(),
              [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  }

  ~Impl() { Stop(); }

  absl::Status Listen(const std::string& host, const std::string& port, std::string* bound);
  void Run();
  void Stop();
  int open_connections() const { return open_.load(); }

 private:
  enum class Phase { kHandshake, kReading, kProcessing, kWriting };
  // A streamed answer, between the worker that produces it and the loop thread that writes it.
  // The worker waits on `room` while kStreamQueueBytes are queued; the loop takes the whole
  // queue when its output buffer is empty, so a connection holds at most about twice that.
  struct Stream {
    std::mutex mu;
    std::condition_variable room;  // the loop took the queue, or the answer was abandoned
    std::string queued;            // framed bytes for the socket
    bool finished = false;         // the producer returned; `queued` holds the rest
    bool complete = false;         // ... with the whole body (else the connection is cut)
    bool abandoned = false;        // closed (client gone, deadline, shutdown): stop producing
    bool loop_waiting = false;     // the loop found the queue empty: wake it for more
    absl::Time deadline;           // write_timeout from the head on
  };
  struct Conn {
    int fd = -1;
    SSL* ssl = nullptr;
    Phase phase = Phase::kReading;
    absl::Time deadline;
    std::string in;
    size_t head_end = 0;  // bytes of the head including the blank line, once complete
    RequestHead head;
    bool continue_sent = false;
    std::string out;
    size_t out_pos = 0;
    std::shared_ptr<Stream> stream;  // a streamed answer: more output comes from there
    uint32_t events = 0;             // what epoll waits for
    bool registered = false;         // in the epoll set (not while a worker handles the request)
  };
  struct Job {
    uint64_t id;
    RequestHead head;
  };
  struct Done {
    uint64_t id;
    std::string response;            // the whole answer, or the head of a streamed one
    std::shared_ptr<Stream> stream;  // null for a whole answer
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

  // The answer to the request; nullopt when it was streamed (already handed to the loop).
  std::optional<std::string> Serve(uint64_t id, RequestHead& head);
  // An ordinary answer with `body`, gzipped when the client accepts it and it is worth it.
  std::string Whole(const RequestHead& head, int code, const std::string& content_type,
                    const std::string& body) const;
  std::optional<std::string> StreamBody(uint64_t id, const RequestHead& head, int code,
                                        const std::string& content_type,
                                        const BodyProducer& producer);
  // Worker side of a stream: queue `bytes` (waiting for room), mark the end; false once the
  // answer was abandoned.
  // Queues the concatenation of `parts` (a chunk's size line, its data and CRLF go in without
  // first being copied together).
  bool Enqueue(uint64_t id, Stream& s, std::initializer_list<absl::string_view> parts);
  void EndStream(uint64_t id, Stream& s, bool complete);
  void Post(Done done);
  void Wake(uint64_t id);
  static void Abandon(Stream& s);
  void Worker();
  void Accept();
  void OnEvent(uint64_t id, uint32_t events);
  void Handshake(uint64_t id, Conn& c);
  void ReadRequest(uint64_t id, Conn& c);
  void WriteResponse(uint64_t id, Conn& c);
  void Respond(uint64_t id, Conn& c, std::string response);
  void Watch(uint64_t id, Conn& c, uint32_t events);
  void Close(uint64_t id);
  void SetAccepting(bool on);

  const Options options_;
  common::BasicAuthenticator auth_;
  std::shared_ptr<ssl_ctx_st> tls_;
  std::map<std::string, Route> exact_;
  std::vector<std::pair<std::string, Route>> prefixes_;

  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  bool accepting_ = true;
  std::atomic<bool> stopping_{false};
  std::atomic<int> open_{0};
  std::atomic<int> streams_{0};  // streamed answers in progress, each holding a worker
  std::thread loop_;
  std::vector<std::thread> workers_;
  // Owned by the loop thread only.
  std::unordered_map<uint64_t, Conn> conns_;
  uint64_t next_id_ = 2;  // 0: the listening socket, 1: the wake-up eventfd

  absl::Mutex mu_;
  std::deque<Job> jobs_ ABSL_GUARDED_BY(mu_);
  std::vector<Done> done_ ABSL_GUARDED_BY(mu_);
  std::vector<uint64_t> ready_ ABSL_GUARDED_BY(mu_);  // streams with new output for the loop
};

absl::Status WebServer::Impl::Listen(const std::string& host, const std::string& port,
                                     std::string* bound) {
  if (options_.web_config != nullptr && options_.web_config->tls.enabled()) {
    auto ctx = common::NewServerTlsContext(options_.web_config->tls);
    if (!ctx.ok()) return ctx.status();
    tls_ = std::move(*ctx);
    // Non-blocking writes may be retried with the buffer at another address (std::string growth
    // never happens during a write, but the pointer advances) and may complete partly.
    SSL_CTX_set_mode(tls_.get(),
                     SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* res = nullptr;
  // civetweb's and Go's reading of ":port": every IPv4 interface (as before).
  const std::string node = host.empty() ? "0.0.0.0" : host;
  if (int rc = getaddrinfo(node.c_str(), port.c_str(), &hints, &res); rc != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot resolve ", node, ": ", gai_strerror(rc)));
  }
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> free_res(res, freeaddrinfo);
  listen_fd_ = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) return absl::UnavailableError(absl::StrCat("socket: ", strerror(errno)));
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (bind(listen_fd_, res->ai_addr, res->ai_addrlen) != 0 || listen(listen_fd_, SOMAXCONN) != 0) {
    return absl::UnavailableError(strerror(errno));
  }
  sockaddr_storage ss{};
  socklen_t len = sizeof(ss);
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&ss), &len);
  int bound_port = ss.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port)
                                            : ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  const bool v6 = host.find(':') != std::string::npos;
  *bound = absl::StrCat(host.empty() ? "0.0.0.0" : host, ":", bound_port);
  if (v6) *bound = absl::StrCat("[", host, "]:", bound_port);

  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epoll_fd_ < 0 || wake_fd_ < 0) return absl::UnavailableError(strerror(errno));
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = 0;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev);
  ev.data.u64 = 1;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
  // The web threads yield to ingest: a scrape of a large fleet is a long run of CPU, and on a
  // busy core the ingest threads' acknowledgements would otherwise wait for its time slices.
  // Past them, a scrape still has every cycle ingest leaves.
  loop_ = std::thread([this] {
    common::SetThreadName("hm-web-loop");
    common::LowerThreadPriority(kWebThreadNiceSteps);
    Run();
  });
  for (int i = 0; i < std::max(1, options_.workers); ++i) {
    workers_.emplace_back([this] {
      common::SetThreadName("hm-web");
      common::LowerThreadPriority(kWebThreadNiceSteps);
      Worker();
    });
  }
  return absl::OkStatus();
}

void WebServer::Impl::Stop() {
  if (stopping_.exchange(true)) return;
  {
    absl::MutexLock lock(&mu_);  // wakes the workers (their Await re-checks stopping_)
  }
  if (wake_fd_ >= 0) {
    uint64_t one = 1;
    (void)!write(wake_fd_, &one, sizeof(one));
  }
  if (loop_.joinable()) loop_.join();
  // Producers waiting for room give up (they also poll stopping_, for streams posted later).
  for (auto& [id, c] : conns_) {
    if (c.stream != nullptr) Abandon(*c.stream);
  }
  {
    absl::MutexLock lock(&mu_);
    for (Done& d : done_) {
      if (d.stream != nullptr) Abandon(*d.stream);
    }
  }
  for (std::thread& t : workers_) t.join();
  for (auto& [id, c] : conns_) {
    if (c.ssl != nullptr) SSL_free(c.ssl);
    close(c.fd);
  }
  conns_.clear();
  open_ = 0;
  for (int* fd : {&listen_fd_, &epoll_fd_, &wake_fd_}) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
  }
}

void WebServer::Impl::Worker() {
  while (true) {
    Job job;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](Impl* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) {
            return self->stopping_.load() || !self->jobs_.empty();
          },
          this));
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    if (std::optional<std::string> response = Serve(job.id, job.head)) {
      Post(Done{job.id, std::move(*response), nullptr});
    }
  }
}

void WebServer::Impl::Post(Done done) {
  {
    absl::MutexLock lock(&mu_);
    done_.push_back(std::move(done));
  }
  uint64_t one = 1;
  (void)!write(wake_fd_, &one, sizeof(one));
}

void WebServer::Impl::Wake(uint64_t id) {
  {
    absl::MutexLock lock(&mu_);
    ready_.push_back(id);
  }
  uint64_t one = 1;
  (void)!write(wake_fd_, &one, sizeof(one));
}

void WebServer::Impl::Abandon(Stream& s) {
  {
    std::lock_guard<std::mutex> lock(s.mu);
    s.abandoned = true;
  }
  s.room.notify_all();
}

std::optional<std::string> WebServer::Impl::Serve(uint64_t id, RequestHead& head) {
  const common::WebConfig* config = options_.web_config.get();
  WebServer::Request& request = head.request;
  const bool with_body = request.method != "HEAD";
  std::string body;
  std::string content_type = "text/plain; charset=utf-8";
  if (auth_.enabled() && !auth_.Check(head.authorization)) {
    return FormatResponse(401, content_type, "Unauthorized\n", with_body, config, true);
  }
  const Route* route = Find(request.path);
  int code;
  if (route == nullptr) {
    code = 404;
    body = "404 page not found\n";
  } else if (route->stream_handler) {
    BodyProducer producer;
    code = route->stream_handler(request, &body, &content_type, &producer);
    if (producer) {
      // HEAD: the head alone; producing the body only to count it would cost a whole render.
      if (!with_body) return FormatHead(code, content_type, "", config, false, false);
      return StreamBody(id, head, code, content_type, producer);
    }
  } else if (route->request_handler) {
    code = route->request_handler(request, &body, &content_type);
  } else if (request.method == "GET" || request.method == "HEAD") {
    code = route->handler(&body, &content_type);
  } else {
    code = 405;
    body = absl::StrCat("method ", request.method, " not allowed; use GET\n");
  }
  return Whole(head, code, content_type, body);
}

std::string WebServer::Impl::Whole(const RequestHead& head, int code,
                                   const std::string& content_type, const std::string& body) const {
  const common::WebConfig* config = options_.web_config.get();
  const bool with_body = head.request.method != "HEAD";
  // Large successful answers (expositions, the fleet page) go gzipped to clients that accept it,
  // as Prometheus's own handlers do; small ones are not worth the CPU.
  if (head.accepts_gzip && code == 200 && body.size() >= kGzipMinBytes) {
    if (absl::StatusOr<std::string> z = common::http::GzipCompress(body); z.ok()) {
      return FormatResponse(code, content_type, *z, with_body, config, false, /*gzipped=*/true);
    }
  }
  return FormatResponse(code, content_type, body, with_body, config, false);
}

std::optional<std::string> WebServer::Impl::StreamBody(uint64_t id, const RequestHead& head,
                                                       int code, const std::string& content_type,
                                                       const BodyProducer& producer) {
  const bool chunked = !head.http10;
  bool whole = false;  // no free stream slot: collect the body and answer with it whole
  const bool gzipped = head.accepts_gzip && code == 200;
  std::string first;               // the body while it fits in kStreamStartBytes
  std::shared_ptr<Stream> stream;  // once the head is out
  std::unique_ptr<common::http::GzipStream> gz;
  std::string z;        // scratch: the compressed piece
  bool broken = false;  // gzip failed: the answer cannot be completed
  // `piece` compressed and framed, in parts that go out in this order without being copied
  // together first: the chunk's size line, the data, then CRLF (and the last chunk with `last`).
  struct Framed {
    std::string head;
    absl::string_view data, tail;
  } framed;
  auto frame = [&](absl::string_view piece, bool last) {
    absl::string_view data = piece;
    if (gz != nullptr) {
      z.clear();
      if (!gz->Append(piece, &z).ok() || (last && !gz->Finish(&z).ok())) {
        broken = true;
        return false;
      }
      data = z;
    }
    framed.head.clear();
    framed.data = data;
    framed.tail = "";
    if (chunked) {
      // Never an empty chunk in the middle: a zero-size chunk ends the body.
      if (!data.empty()) absl::StrAppend(&framed.head, absl::Hex(data.size()), "\r\n");
      framed.tail =
          last ? (data.empty() ? "0\r\n\r\n" : "\r\n0\r\n\r\n") : (data.empty() ? "" : "\r\n");
    }
    return true;
  };
  BodyWriter write = [&](absl::string_view piece) {
    if (broken || (stream != nullptr && piece.empty())) return !broken;
    if (stream == nullptr) {
      if (whole || first.size() + piece.size() <= kStreamStartBytes) {
        first.append(piece.data(), piece.size());
        return true;
      }
      // A stream holds its worker until the client has read it; past workers - 1 of them, the
      // answer is made whole as for other routes, so slow readers cannot take every worker.
      if (streams_.fetch_add(1) >= std::max(1, options_.workers - 1)) {
        streams_--;
        whole = true;
        first.append(piece.data(), piece.size());
        return true;
      }
      // Too long for one ordinary answer: the head goes out now, the body as it comes.
      if (gzipped) gz = std::make_unique<common::http::GzipStream>();
      std::string start =
          FormatHead(code, content_type, chunked ? "Transfer-Encoding: chunked\r\n" : "",
                     options_.web_config.get(), false, gzipped);
      if (!frame(first, false)) {
        streams_--;
        return false;  // nothing sent yet: a 500 follows
      }
      absl::StrAppend(&start, framed.head, framed.data, framed.tail);
      first.clear();
      first.shrink_to_fit();
      stream = std::make_shared<Stream>();
      stream->deadline = absl::Now() + options_.write_timeout;
      Post(Done{id, std::move(start), stream});
    }
    // In slices, so that the queue bound holds whatever the piece size.
    while (!piece.empty()) {
      const absl::string_view slice = piece.substr(0, kStreamStartBytes);
      piece.remove_prefix(slice.size());
      if (!frame(slice, false) || !Enqueue(id, *stream, {framed.head, framed.data, framed.tail})) {
        return false;
      }
    }
    return true;
  };
  const bool complete = producer(write) && !broken;
  if (stream == nullptr) {
    if (!complete) {
      return FormatResponse(500, "text/plain; charset=utf-8", "the answer could not be made\n",
                            true, options_.web_config.get(), false);
    }
    return Whole(head, code, content_type, first);
  }
  const bool ended =
      complete && frame("", true) && Enqueue(id, *stream, {framed.head, framed.data, framed.tail});
  EndStream(id, *stream, ended);
  streams_--;
  return std::nullopt;
}

bool WebServer::Impl::Enqueue(uint64_t id, Stream& s,
                              std::initializer_list<absl::string_view> parts) {
  size_t bytes = 0;
  for (absl::string_view part : parts) bytes += part.size();
  bool wake;
  {
    std::unique_lock<std::mutex> lock(s.mu);
    const auto deadline = absl::ToChronoTime(s.deadline);
    // Room: the loop empties the queue as fast as the client reads. One slice always fits into
    // an empty queue, so a body of any size moves.
    while (!s.abandoned && !s.queued.empty() && s.queued.size() + bytes > kStreamQueueBytes) {
      const auto now = std::chrono::system_clock::now();
      if (stopping_ || now >= deadline) {
        s.abandoned = true;  // the loop closes the connection at the same deadline
        break;
      }
      // In slices: a shutdown started after this stream was posted must not wait for it.
      s.room.wait_until(lock, std::min(deadline, now + std::chrono::milliseconds(100)));
    }
    if (s.abandoned) return false;
    for (absl::string_view part : parts) s.queued.append(part.data(), part.size());
    wake = std::exchange(s.loop_waiting, false);
  }
  if (wake) Wake(id);
  return true;
}

void WebServer::Impl::EndStream(uint64_t id, Stream& s, bool complete) {
  bool wake;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    s.finished = true;
    s.complete = complete;
    wake = std::exchange(s.loop_waiting, false);
  }
  if (wake) Wake(id);
}

void WebServer::Impl::SetAccepting(bool on) {
  if (accepting_ == on) return;
  accepting_ = on;
  epoll_event ev{};
  ev.events = on ? static_cast<uint32_t>(EPOLLIN) : 0u;
  ev.data.u64 = 0;
  epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, listen_fd_, &ev);
}

void WebServer::Impl::Accept() {
  while (static_cast<int>(conns_.size()) < options_.max_connections) {
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) break;  // EAGAIN, or a transient error (EMFILE, ECONNABORTED): next event
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    const uint64_t id = next_id_++;
    Conn& c = conns_[id];
    c.fd = fd;
    c.deadline = absl::Now() + options_.read_timeout;
    if (tls_ != nullptr) {
      c.ssl = SSL_new(tls_.get());
      if (c.ssl == nullptr || SSL_set_fd(c.ssl, fd) != 1) {
        Close(id);
        continue;
      }
      SSL_set_accept_state(c.ssl);
      c.phase = Phase::kHandshake;
    }
    open_ = static_cast<int>(conns_.size());
    Watch(id, c, EPOLLIN);
  }
  // At the cap: leave new clients in the backlog until a connection closes.
  SetAccepting(static_cast<int>(conns_.size()) < options_.max_connections);
}

void WebServer::Impl::Watch(uint64_t id, Conn& c, uint32_t events) {
  // Out of the set while a worker has the request: epoll reports a hang-up even with no events
  // asked for, and would report it again and again until the response is ready.
  if (events == 0) {
    if (c.registered) epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c.fd, nullptr);
    c.registered = false;
    c.events = 0;
    return;
  }
  if (c.registered && c.events == events) return;
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = id;
  epoll_ctl(epoll_fd_, c.registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, c.fd, &ev);
  c.registered = true;
  c.events = events;
}

void WebServer::Impl::Close(uint64_t id) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return;
  Conn& c = it->second;
  if (c.stream != nullptr) Abandon(*c.stream);  // its producer stops
  if (c.ssl != nullptr) SSL_free(c.ssl);
  close(c.fd);  // also removes it from the epoll set
  conns_.erase(it);
  open_ = static_cast<int>(conns_.size());
  SetAccepting(static_cast<int>(conns_.size()) < options_.max_connections);
}

void WebServer::Impl::Handshake(uint64_t id, Conn& c) {
  ERR_clear_error();
  int rc = SSL_do_handshake(c.ssl);
  if (rc == 1) {
    c.phase = Phase::kReading;
    ReadRequest(id, c);  // the client may have sent its request with the last handshake flight
    return;
  }
  int err = SSL_get_error(c.ssl, rc);
  if (err == SSL_ERROR_WANT_READ) {
    Watch(id, c, EPOLLIN);
  } else if (err == SSL_ERROR_WANT_WRITE) {
    Watch(id, c, EPOLLOUT);
  } else {
    ERR_clear_error();
    Close(id);  // a failed handshake (bad client certificate, not TLS): nothing to answer
  }
}

void WebServer::Impl::ReadRequest(uint64_t id, Conn& c) {
  char buf[16384];
  while (true) {
    ssize_t n;
    if (c.ssl != nullptr) {
      ERR_clear_error();
      int rc = SSL_read(c.ssl, buf, sizeof(buf));
      if (rc <= 0) {
        int err = SSL_get_error(c.ssl, rc);
        if (err == SSL_ERROR_WANT_READ) {
          Watch(id, c, EPOLLIN);
          return;
        }
        if (err == SSL_ERROR_WANT_WRITE) {
          Watch(id, c, EPOLLOUT);
          return;
        }
        ERR_clear_error();
        Close(id);
        return;
      }
      n = rc;
    } else {
      n = recv(c.fd, buf, sizeof(buf), 0);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        Watch(id, c, EPOLLIN);
        return;
      }
      if (n <= 0) {
        Close(id);  // the client went away (or closed its side before a complete request)
        return;
      }
    }
    c.in.append(buf, static_cast<size_t>(n));
    if (c.head_end == 0) {
      size_t end = c.in.find("\r\n\r\n");
      if (end == std::string::npos) {
        if (c.in.size() > kMaxHeaderBytes) {
          Respond(id, c,
                  FormatResponse(431, "text/plain; charset=utf-8", "request headers too large\n",
                                 true, nullptr, false));
          return;
        }
        continue;
      }
      if (end > kMaxHeaderBytes) {
        Respond(id, c,
                FormatResponse(431, "text/plain; charset=utf-8", "request headers too large\n",
                               true, nullptr, false));
        return;
      }
      c.head_end = end + 4;
      if (int code = ParseHead(absl::string_view(c.in).substr(0, end), &c.head); code != 0) {
        std::string text = code == 411   ? "send a Content-Length, not a chunked body\n"
                           : code == 413 ? "request body larger than 1 MiB\n"
                                         : "malformed request\n";
        Respond(id, c,
                FormatResponse(code, "text/plain; charset=utf-8", text, true, nullptr, false));
        return;
      }
    }
    const size_t have = c.in.size() - c.head_end;
    if (have < c.head.content_length) {
      if (c.head.expect_continue && !c.continue_sent && c.ssl == nullptr) {
        // 25 bytes into an empty socket buffer: a plain send cannot block.
        static constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
        (void)!send(c.fd, kContinue, sizeof(kContinue) - 1, MSG_NOSIGNAL);
        c.continue_sent = true;
      }
      continue;
    }
    c.head.request.body = c.in.substr(c.head_end, c.head.content_length);
    c.in.clear();
    c.in.shrink_to_fit();
    c.phase = Phase::kProcessing;
    Watch(id, c, 0);
    {
      absl::MutexLock lock(&mu_);
      jobs_.push_back(Job{id, std::move(c.head)});
    }
    return;
  }
}

void WebServer::Impl::Respond(uint64_t id, Conn& c, std::string response) {
  c.phase = Phase::kWriting;
  c.out = std::move(response);
  c.out_pos = 0;
  c.deadline = c.stream != nullptr ? c.stream->deadline : absl::Now() + options_.write_timeout;
  WriteResponse(id, c);
}

void WebServer::Impl::WriteResponse(uint64_t id, Conn& c) {
  while (true) {
    if (c.out_pos == c.out.size()) {
      if (c.stream == nullptr) break;
      Stream& s = *c.stream;
      std::unique_lock<std::mutex> lock(s.mu);
      if (!s.queued.empty()) {
        // Take the whole queue (the old buffer goes back, keeping its capacity).
        c.out.clear();
        c.out.swap(s.queued);
        c.out_pos = 0;
        lock.unlock();
        s.room.notify_all();
        continue;
      }
      if (!s.finished) {
        // Nothing to write until the producer queues more (it wakes the loop then). Out of the
        // epoll set meanwhile: a writable socket would report itself again and again.
        s.loop_waiting = true;
        lock.unlock();
        return Watch(id, c, 0);
      }
      if (!s.complete) {
        lock.unlock();
        return Close(id);  // cut short, without the last chunk: the client sees an error
      }
      break;
    }
    const char* p = c.out.data() + c.out_pos;
    const size_t left = c.out.size() - c.out_pos;
    if (c.ssl != nullptr) {
      ERR_clear_error();
      int rc = SSL_write(c.ssl, p, static_cast<int>(std::min<size_t>(left, 1 << 20)));
      if (rc <= 0) {
        int err = SSL_get_error(c.ssl, rc);
        if (err == SSL_ERROR_WANT_WRITE) return Watch(id, c, EPOLLOUT);
        if (err == SSL_ERROR_WANT_READ) return Watch(id, c, EPOLLIN);
        ERR_clear_error();
        return Close(id);
      }
      c.out_pos += static_cast<size_t>(rc);
    } else {
      ssize_t n = send(c.fd, p, left, MSG_NOSIGNAL);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        return Watch(id, c, EPOLLOUT);
      }
      if (n <= 0) return Close(id);
      c.out_pos += static_cast<size_t>(n);
    }
  }
  if (c.ssl != nullptr) SSL_shutdown(c.ssl);  // close_notify, best effort
  // Half-close, so the client reads everything before seeing the end of the stream.
  shutdown(c.fd, SHUT_WR);
  Close(id);
}

void WebServer::Impl::OnEvent(uint64_t id, uint32_t events) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return;
  Conn& c = it->second;
  (void)events;  // errors and hang-ups show up as failing reads and writes
  switch (c.phase) {
    case Phase::kHandshake:
      return Handshake(id, c);
    case Phase::kReading:
      return ReadRequest(id, c);
    case Phase::kProcessing:
      return;
    case Phase::kWriting:
      return WriteResponse(id, c);
  }
}

void WebServer::Impl::Run() {
  epoll_event events[64];
  while (!stopping_) {
    int n = epoll_wait(epoll_fd_, events, 64, 250);
    for (int i = 0; i < n; ++i) {
      const uint64_t id = events[i].data.u64;
      if (id == 0) {
        Accept();
      } else if (id == 1) {
        uint64_t count;
        (void)!read(wake_fd_, &count, sizeof(count));
      } else {
        OnEvent(id, events[i].events);
      }
    }
    std::vector<Done> done;
    std::vector<uint64_t> ready;
    {
      absl::MutexLock lock(&mu_);
      done.swap(done_);
      ready.swap(ready_);
    }
    for (Done& d : done) {
      auto it = conns_.find(d.id);
      if (it == conns_.end()) {
        if (d.stream != nullptr) Abandon(*d.stream);
        continue;
      }
      it->second.stream = std::move(d.stream);
      Respond(d.id, it->second, std::move(d.response));
    }
    // Streams with new output (or their end) while the loop was waiting for them.
    for (uint64_t rid : ready) {
      auto it = conns_.find(rid);
      if (it != conns_.end() && it->second.phase == Phase::kWriting &&
          it->second.stream != nullptr) {
        WriteResponse(rid, it->second);
      }
    }
    // Deadlines: a connection that has not completed its request (or taken its response) in
    // time is closed. A request being processed has no deadline: the handler finishes it.
    const absl::Time now = absl::Now();
    std::vector<uint64_t> expired;
    for (const auto& [cid, c] : conns_) {
      if (c.phase != Phase::kProcessing && now > c.deadline) expired.push_back(cid);
    }
    for (uint64_t cid : expired) Close(cid);
  }
}

WebServer::~WebServer() {
  if (impl_ != nullptr) impl_->Stop();
}

int WebServer::open_connections() const { return impl_ != nullptr ? impl_->open_connections() : 0; }

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
    std::map<std::string, RequestHandler> request_routes, Options options,
    std::map<std::string, StreamHandler> stream_routes) {
  if (absl::Status s = CheckAddress(address); !s.ok()) return s;
  // A client that resets its connection while a response is written must not kill the process
  // (TLS writes go through write(2), which raises SIGPIPE; plain sends use MSG_NOSIGNAL).
  signal(SIGPIPE, SIG_IGN);
  const size_t colon = address.rfind(':');
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);  // "[::1]:9711"
  }
  auto web = std::unique_ptr<WebServer>(new WebServer());
  web->impl_ = std::make_unique<Impl>(std::move(routes), std::move(request_routes),
                                      std::move(stream_routes), std::move(options));
  if (absl::Status s = web->impl_->Listen(host, address.substr(colon + 1), &web->bound_address_);
      !s.ok()) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", address, " for HTTP: ", s.message()));
  }
  return web;
}

}  // namespace hostmon::collector
