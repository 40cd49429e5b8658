// SPDX-License-Identifier: Apache-2.0
//
// libFuzzer target for the weblog source's line parsers (agent/sources/weblog/weblog_parser.h):
// web server access logs carry whatever clients send (request lines, user agents). The first
// byte picks the format; each line of the rest is parsed as the source parses a log line. For the
// custom format the first line is the RE2 pattern (as a weblogs config gives it) and the other
// lines are parsed with it.
#include <cstddef>
#include <cstdint>

#include "absl/strings/str_split.h"
#include "agent/sources/weblog/weblog_parser.h"
#include "tests/fuzz/fuzz_common.h"

namespace weblog = hostmon::agent::weblog;

namespace {

constexpr weblog::Format kFormats[] = {weblog::Format::kCombined, weblog::Format::kNginxTimed,
                                       weblog::Format::kApacheTimed, weblog::Format::kCustom};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* kFx = "tests/fixtures/weblog/";
  hostmon::fuzz::Initialize({
      {std::string(1, '\0'), {std::string(kFx) + "combined.log"}},
      {std::string(1, '\1'), {std::string(kFx) + "nginx_timed.log"}},
      {std::string(1, '\2'), {std::string(kFx) + "apache_timed.log"}},
      {std::string(1, '\3'),
       {},
       false,
       {"^(?P<method>\\S+) (?P<request>\\S+) (?P<status>\\d+) (?P<duration>[0-9.]+)$\n"
        "GET / 200 0.5\nPOST /x 503 12\n"}},
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const weblog::Format format = kFormats[data[0] % 4];
  absl::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  weblog::LogLine line;
  if (format != weblog::Format::kCustom) {
    for (absl::string_view l : absl::StrSplit(rest, '\n')) {
      (void)weblog::ParseBuiltin(format, l, &line);
    }
    auto parser = weblog::LineParser::Make(format);
    if (parser.ok()) (void)parser->Parse(rest, &line);
    return 0;
  }
  absl::string_view pattern, lines;
  hostmon::fuzz::SplitNameLine(rest, &pattern, &lines);
  for (double scale : {1.0, 1e-3}) {
    auto parser = weblog::LineParser::Make(format, pattern, scale);
    if (!parser.ok()) return 0;
    for (absl::string_view l : absl::StrSplit(lines, '\n')) (void)parser->Parse(l, &line);
  }
  (void)weblog::MethodIndex(rest);
  return 0;
}
