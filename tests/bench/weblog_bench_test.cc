// SPDX-License-Identifier: Apache-2.0
//
// weblog parse throughput (hidden tag: run by the bench.weblog_smoke CTest, figures printed,
// never asserted):
//   build/tests/hostmon_unit_tests "[weblog_bench]"
// A generated combined log (200k lines) parsed four ways: the built-in parser over lines in
// memory; the same through the tailer from a file (read + split + parse, what a collection
// does); a custom-format RE2 pattern through the same LineParser; and the naive loop: one
// RE2::FullMatch with a capture per field, per line, as a regex-based log exporter does.
#include <time.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "agent/sources/weblog/weblog_parser.h"
#include "agent/sources/weblog/weblog_tailer.h"
#include "fakes/temp_dir.h"
#include "re2/re2.h"

namespace hostmon::agent::weblog {
namespace {

constexpr int kLines = 200000;

double Now(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

std::string Generate() {
  const char* methods[] = {"GET", "GET", "GET", "POST", "HEAD", "PUT"};
  const int statuses[] = {200, 200, 200, 200, 304, 404, 500, 201, 200, 302};
  std::string text;
  for (int i = 0; i < kLines; ++i) {
    absl::StrAppend(&text, "192.0.2.", i % 250, " - - [07/Dec/2026:01:02:", 10 + i % 50,
                    " +0000] \"", methods[i % 6], " /api/v1/items/", i, "?q=abc HTTP/1.1\" ",
                    statuses[i % 10], " ", 100 + i % 5000,
                    " \"https://example.org/page\" \"Mozilla/5.0 (X11; Linux x86_64) "
                    "Firefox/115.0\"\n");
  }
  return text;
}

struct Figures {
  double wall = 0, cpu = 0;
  int ok = 0;
};

template <typename F>
Figures Measure(F&& f) {
  Figures r;
  const double w0 = Now(CLOCK_MONOTONIC), c0 = Now(CLOCK_PROCESS_CPUTIME_ID);
  r.ok = f();
  r.cpu = Now(CLOCK_PROCESS_CPUTIME_ID) - c0;
  r.wall = Now(CLOCK_MONOTONIC) - w0;
  return r;
}

void Print(const char* what, const Figures& f) {
  std::printf("%-44s %10.0f lines/s  %8.2f ms CPU per 10k lines  (%d/%d parsed)\n", what,
              kLines / f.wall, f.cpu * 1e3 * 10000 / kLines, f.ok, kLines);
}

TEST_CASE("weblog parse throughput vs a naive regex loop", "[.][weblog_bench]") {
  const std::string text = Generate();
  std::vector<absl::string_view> lines;
  for (size_t pos = 0; pos < text.size();) {
    const size_t nl = text.find('\n', pos);
    lines.push_back(absl::string_view(text).substr(pos, nl - pos));
    pos = nl + 1;
  }
  std::printf("weblog benchmark: %d combined lines, %.1f MB\n", kLines, text.size() / 1e6);

  Print("built-in combined parser (memory)", Measure([&] {
          int ok = 0;
          LogLine l;
          for (absl::string_view line : lines) ok += ParseBuiltin(Format::kCombined, line, &l).ok();
          return ok;
        }));

  testing::ScopedTempDir dir;
  const std::string path = dir.Write("access.log", "");
  Tailer tailer(path, 64 * 1024, size_t{1} << 30, false);
  TailStats stats;
  tailer.Poll([](absl::string_view) {}, &stats);
  {
    std::ofstream f(path, std::ios::binary | std::ios::app);
    f << text;
  }
  Print("tailer + built-in parser (file read, page cache)", Measure([&] {
          int ok = 0;
          LogLine l;
          tailer.Poll(
              [&](absl::string_view line) { ok += ParseBuiltin(Format::kCombined, line, &l).ok(); },
              &stats);
          return ok;
        }));

  absl::StatusOr<LineParser> custom = LineParser::Make(
      Format::kCustom, R"re(^\S+ \S+ \S+ \[[^]]*\] "(?P<request>[^"]*)" (?P<status>\d{3}) )re");
  REQUIRE(custom.ok());
  Print("custom RE2 pattern (named groups, LineParser)", Measure([&] {
          int ok = 0;
          LogLine l;
          for (absl::string_view line : lines) ok += custom->Parse(line, &l).ok();
          return ok;
        }));

  const RE2 naive(
      R"re((\S+) (\S+) (\S+) \[([^\]]*)\] "(\S+) ([^"]*?) (\S+)" (\d{3}) (\d+|-) "([^"]*)" "([^"]*)")re");
  REQUIRE(naive.ok());
  Print("naive loop: RE2::FullMatch, 11 captures", Measure([&] {
          int ok = 0;
          std::string host, ident, user, time, method, path, proto, referer, agent;
          int status = 0;
          std::string bytes;
          for (absl::string_view line : lines) {
            ok += RE2::FullMatch(re2::StringPiece(line.data(), line.size()), naive, &host, &ident,
                                 &user, &time, &method, &path, &proto, &status, &bytes, &referer,
                                 &agent);
          }
          return ok;
        }));
}

}  // namespace
}  // namespace hostmon::agent::weblog
