// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/weblog/weblog_parser.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "re2/re2.h"

namespace hostmon::agent::weblog {
namespace {

constexpr size_t kMaxQuotedChars = 80;

absl::Status LineError(absl::string_view line, absl::string_view problem) {
  const absl::string_view shown = line.substr(0, kMaxQuotedChars);
  return absl::InvalidArgumentError(absl::StrCat(problem, " in \"", absl::CEscape(shown),
                                                 shown.size() < line.size() ? "..." : "", "\""));
}

// A cursor over the line; every step fails (returns false) at the end of the line, so a
// truncated line is an error naming the first missing field.
struct Cursor {
  absl::string_view s;
  size_t pos = 0;

  bool AtEnd() const { return pos >= s.size(); }
  // A run of non-space bytes.
  bool Token(absl::string_view* out) {
    const size_t start = pos;
    while (pos < s.size() && s[pos] != ' ') ++pos;
    *out = s.substr(start, pos - start);
    return pos > start;
  }
  bool Space() {
    if (pos >= s.size() || s[pos] != ' ') return false;
    while (pos < s.size() && s[pos] == ' ') ++pos;
    return true;
  }
  // [...] as $time_local / %t print it.
  bool Bracketed() {
    if (pos >= s.size() || s[pos] != '[') return false;
    const size_t close = s.find(']', pos);
    if (close == absl::string_view::npos) return false;
    pos = close + 1;
    return true;
  }
  // "..." with backslash escapes (Apache writes \" and \\; nginx writes \x22, which needs no
  // special case). *out is the raw text between the quotes.
  bool Quoted(absl::string_view* out) {
    if (pos >= s.size() || s[pos] != '"') return false;
    const size_t start = ++pos;
    while (pos < s.size()) {
      if (s[pos] == '\\') {
        pos += 2;
      } else if (s[pos] == '"') {
        *out = s.substr(start, pos - start);
        ++pos;
        return true;
      } else {
        ++pos;
      }
    }
    pos = s.size();
    return false;
  }
};

bool ParseStatus(absl::string_view text, int* status) {
  if (text.size() != 3) return false;
  int v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  if (v < 100) return false;
  *status = v;
  return true;
}

bool IsDigits(absl::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Plain non-negative decimal ("0.012", "3"): what nginx prints for $request_time. SimpleAtod
// alone would take "nan", "inf" and "-1", none of which a server writes for a duration.
bool ParseSeconds(absl::string_view text, double scale, double* out) {
  size_t i = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  if (i == 0) return false;
  if (i < text.size()) {
    if (text[i] != '.') return false;
    const size_t fraction = ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    if (i == fraction || i != text.size()) return false;
  }
  double v = 0;
  if (!absl::SimpleAtod(text, &v) || !std::isfinite(v)) return false;
  *out = v * scale;
  return true;
}

int MethodOfRequest(absl::string_view request) {
  return MethodIndex(request.substr(0, request.find(' ')));
}

}  // namespace

int MethodIndex(absl::string_view method) {
  for (int i = 0; i < kNumMethods - 1; ++i) {
    if (method == kMethods[i]) return i;
  }
  return kNumMethods - 1;
}

int StatusClassIndex(int status) {
  if (status >= 100 && status <= 599) return status / 100 - 1;
  return kNumStatusClasses - 1;
}

absl::Status ParseBuiltin(Format format, absl::string_view line, LogLine* out) {
  *out = LogLine();
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) return absl::InvalidArgumentError("empty line");
  Cursor c{line};
  absl::string_view field, request, status, bytes;
  if (!c.Token(&field) || !c.Space()) return LineError(line, "field remote_addr: missing");
  if (!c.Token(&field) || !c.Space()) return LineError(line, "field ident: missing");
  if (!c.Token(&field) || !c.Space()) return LineError(line, "field remote_user: missing");
  if (!c.Bracketed() || !c.Space()) return LineError(line, "field time: missing or no ']'");
  if (!c.Quoted(&request)) return LineError(line, "field request: missing or no closing quote");
  if (!c.Space() || !c.Token(&status)) return LineError(line, "field status: missing");
  if (!ParseStatus(status, &out->status)) {
    return LineError(line, absl::StrCat("field status: not a 3-digit status code: \"",
                                        absl::CEscape(status.substr(0, 16)), "\""));
  }
  if (!c.Space() || !c.Token(&bytes)) return LineError(line, "field body_bytes_sent: missing");
  if (bytes != "-" && !IsDigits(bytes)) {
    return LineError(line, "field body_bytes_sent: not a number or \"-\"");
  }
  if (!c.Space() || !c.Quoted(&field)) return LineError(line, "field http_referer: missing");
  if (!c.Space() || !c.Quoted(&field)) return LineError(line, "field http_user_agent: missing");
  out->status_class = StatusClassIndex(out->status);
  out->method = MethodOfRequest(request);
  if (format == Format::kCombined) return absl::OkStatus();  // trailing fields are allowed

  if (!c.Space() || !c.Token(&field)) {
    return LineError(line, format == Format::kNginxTimed ? "field request_time: missing"
                                                         : "field %D (microseconds): missing");
  }
  if (format == Format::kNginxTimed) {
    if (!ParseSeconds(field, 1, &out->duration_seconds)) {
      return LineError(line, absl::StrCat("field request_time: not a decimal number of seconds: \"",
                                          absl::CEscape(field.substr(0, 16)), "\""));
    }
  } else {
    uint64_t us = 0;
    if (!IsDigits(field) || !absl::SimpleAtoi(field, &us)) {
      return LineError(line, absl::StrCat("field %D: not an integer number of microseconds: \"",
                                          absl::CEscape(field.substr(0, 16)), "\""));
    }
    out->duration_seconds = static_cast<double>(us) * 1e-6;
  }
  out->has_duration = true;
  return absl::OkStatus();
}

absl::StatusOr<LineParser> LineParser::Make(Format format, absl::string_view pattern,
                                            double duration_scale) {
  LineParser p;
  p.format_ = format;
  p.duration_scale_ = duration_scale;
  if (format != Format::kCustom) return p;
  RE2::Options options;
  options.set_log_errors(false);
  p.re_ = std::make_unique<re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!p.re_->ok()) {
    return absl::InvalidArgumentError(absl::StrCat("invalid RE2 pattern: ", p.re_->error()));
  }
  p.num_groups_ = p.re_->NumberOfCapturingGroups();
  const auto& groups = p.re_->NamedCapturingGroups();
  auto group = [&](const char* name) {
    auto it = groups.find(name);
    return it == groups.end() ? -1 : it->second;
  };
  p.status_group_ = group("status");
  p.duration_group_ = group("duration");
  p.method_group_ = group("method");
  p.request_group_ = group("request");
  if (p.status_group_ < 0) {
    return absl::InvalidArgumentError("the pattern has no named group (?P<status>...)");
  }
  return p;
}

LineParser::LineParser(LineParser&&) noexcept = default;
LineParser& LineParser::operator=(LineParser&&) noexcept = default;
LineParser::~LineParser() = default;

absl::Status LineParser::Parse(absl::string_view line, LogLine* out) const {
  if (format_ != Format::kCustom) return ParseBuiltin(format_, line, out);
  *out = LogLine();
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  // At most a handful of groups; a fixed array keeps the per-line path allocation-free.
  constexpr int kMaxGroups = 32;
  re2::StringPiece groups[kMaxGroups + 1];
  const int n = std::min(num_groups_, kMaxGroups) + 1;
  if (!re_->Match(re2::StringPiece(line.data(), line.size()), 0, line.size(), RE2::UNANCHORED,
                  groups, n)) {
    return LineError(line, "does not match the pattern");
  }
  auto get = [&](int g) {
    return g >= 0 && g < n ? absl::string_view(groups[g].data(), groups[g].size())
                           : absl::string_view();
  };
  const absl::string_view status = get(status_group_);
  if (!ParseStatus(status, &out->status)) {
    return LineError(line, absl::StrCat("group status: not a 3-digit status code: \"",
                                        absl::CEscape(status.substr(0, 16)), "\""));
  }
  out->status_class = StatusClassIndex(out->status);
  if (method_group_ >= 0) {
    out->method = MethodIndex(get(method_group_));
  } else if (request_group_ >= 0) {
    out->method = MethodOfRequest(get(request_group_));
  } else {
    out->method = kNumMethods - 1;
  }
  if (duration_group_ >= 0) {
    const absl::string_view d = get(duration_group_);
    // "-" is what nginx and Apache print for a duration they do not have (e.g.
    // $upstream_response_time for a request served without an upstream): no observation.
    if (!d.empty() && d != "-") {
      if (!ParseSeconds(d, duration_scale_, &out->duration_seconds)) {
        return LineError(line, absl::StrCat("group duration: not a non-negative number: \"",
                                            absl::CEscape(d.substr(0, 16)), "\""));
      }
      out->has_duration = true;
    }
  }
  return absl::OkStatus();
}

}  // namespace hostmon::agent::weblog
