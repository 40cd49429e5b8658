// SPDX-License-Identifier: Apache-2.0
//
// Parsers for one line of a web server access log, as the weblog source reads them. Built-in
// formats (the exact server configuration lines are in docs/weblog.md):
//
//   combined      nginx's predefined `combined`, Apache's `LogFormat ... combined`:
//     127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326 "http://r/"
//     "UA"
//   nginx_timed   combined + ` $request_time "$upstream_response_time"` (seconds, ms resolution):
//     ... "http://r/" "UA" 0.012 "0.010"
//   apache_timed  combined + ` %D` (microseconds):
//     ... "http://r/" "UA" 12034
//
// and a custom format: an RE2 pattern whose named groups give `status` (required), `duration`
// (optional, in the configured unit), `method` or `request` (optional; the method is the first
// word of the request). Quoted fields may hold escaped quotes: nginx writes `"` inside a
// variable as \x22, Apache as \"; both are skipped by the quoted-field scanner.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace hostmon::agent::weblog {

enum class Format { kCombined, kNginxTimed, kApacheTimed, kCustom };

// The request methods counted under their own name; any other method (or none: a TLS handshake
// sent to a plain-text port is logged as a request "\x16\x03...") is counted as "other", so the
// method label has a fixed set of values whatever clients send.
inline constexpr absl::string_view kMethods[] = {"GET",     "HEAD",    "POST",  "PUT",   "DELETE",
                                                 "CONNECT", "OPTIONS", "TRACE", "PATCH", "other"};
inline constexpr int kNumMethods = 10;
// status_class label values: 1xx..5xx; a status outside 100..599 is "other".
inline constexpr absl::string_view kStatusClasses[] = {"1xx", "2xx", "3xx", "4xx", "5xx", "other"};
inline constexpr int kNumStatusClasses = 6;

struct LogLine {
  int status = 0;        // HTTP status as logged (100..999)
  int status_class = 0;  // index into kStatusClasses
  int method = 0;        // index into kMethods
  bool has_duration = false;
  double duration_seconds = 0;
};

// Index into kMethods of a request method ("GET" -> 0); exact, case-sensitive match as HTTP
// method names are; anything else is "other".
int MethodIndex(absl::string_view method);
// Index into kStatusClasses of a status code.
int StatusClassIndex(int status);

// A line parser for one configured log: a built-in format, or a compiled custom pattern.
class LineParser {
 public:
  // `duration_scale` converts a custom pattern's `duration` group to seconds (1 for s, 1e-3 for
  // ms, 1e-6 for us). For a custom format `pattern` must be valid RE2 with a `status` group.
  static absl::StatusOr<LineParser> Make(Format format, absl::string_view pattern = "",
                                         double duration_scale = 1);
  LineParser(LineParser&&) noexcept;
  LineParser& operator=(LineParser&&) noexcept;
  ~LineParser();

  // Parses one line (without its newline; a trailing \r is ignored). InvalidArgument naming the
  // field that is wrong and quoting the start of the line (C-escaped, so the message stays valid
  // UTF-8 whatever the line holds).
  absl::Status Parse(absl::string_view line, LogLine* out) const;
  // Whether lines of this format carry a response time (the histogram is exported only then).
  bool has_duration() const {
    return format_ == Format::kNginxTimed || format_ == Format::kApacheTimed ||
           duration_group_ >= 0;
  }

 private:
  LineParser() = default;
  Format format_ = Format::kCombined;
  double duration_scale_ = 1;
  std::unique_ptr<re2::RE2> re_;
  int status_group_ = -1, duration_group_ = -1, method_group_ = -1, request_group_ = -1;
  int num_groups_ = 0;
};

// The pure built-in parser (no allocation): the combined fields, then for kNginxTimed a decimal
// number of seconds and for kApacheTimed an integer number of microseconds.
absl::Status ParseBuiltin(Format format, absl::string_view line, LogLine* out);

}  // namespace hostmon::agent::weblog
