// SPDX-License-Identifier: Apache-2.0
#include "common/exposition.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include "common/utf8.h"

namespace hostmon::common {
namespace {

using ::hostmon::ingest::v1::METRIC_TYPE_COUNTER;
using ::hostmon::ingest::v1::METRIC_TYPE_GAUGE;

std::string Double(double v) {
  std::string out;
  AppendDouble(&out, v);
  return out;
}

TEST_CASE("IsValidMetricName follows [a-zA-Z_:][a-zA-Z0-9_:]*", "[common][exposition]") {
  for (const char* ok : {"a", "node_cpu_seconds_total", "_x", ":recording:rule", "A9_:b", "__x"}) {
    INFO(ok);
    CHECK(IsValidMetricName(ok));
  }
  for (const char* bad : {"", "9abc", "node-cpu", "node cpu", "node.cpu", "ä", "a\n", "a{b}"}) {
    INFO(bad);
    CHECK_FALSE(IsValidMetricName(bad));
  }
}

TEST_CASE("IsValidLabelName follows [a-zA-Z_][a-zA-Z0-9_]* and reserves __",
          "[common][exposition]") {
  for (const char* ok : {"a", "job", "_", "_x", "x__y", "Mode9", "x_"}) {
    INFO(ok);
    CHECK(IsValidLabelName(ok));
  }
  for (const char* bad : {"", "__", "__name__", "__x", "9a", "a:b", "a-b", "a b", "é"}) {
    INFO(bad);
    CHECK_FALSE(IsValidLabelName(bad));
  }
}

TEST_CASE("IsValidUtf8 accepts well-formed UTF-8", "[common][exposition]") {
  CHECK(IsValidUtf8(""));
  CHECK(IsValidUtf8("plain ascii"));
  CHECK(IsValidUtf8(std::string("nul\0inside", 10)));
  CHECK(IsValidUtf8("\xC2\x80"));          // U+0080, smallest 2-byte
  CHECK(IsValidUtf8("caf\xC3\xA9"));       // é
  CHECK(IsValidUtf8("\xE0\xA0\x80"));      // U+0800, smallest 3-byte
  CHECK(IsValidUtf8("\xE2\x82\xAC"));      // €
  CHECK(IsValidUtf8("\xED\x9F\xBF"));      // U+D7FF, just below the surrogates
  CHECK(IsValidUtf8("\xEE\x80\x80"));      // U+E000, just above the surrogates
  CHECK(IsValidUtf8("\xEF\xBF\xBF"));      // U+FFFF
  CHECK(IsValidUtf8("\xF0\x90\x80\x80"));  // U+10000, smallest 4-byte
  CHECK(IsValidUtf8("\xF0\x9D\x84\x9E"));  // 𝄞
  CHECK(IsValidUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF, the last code point
}

TEST_CASE("IsValidUtf8 rejects overlong encodings", "[common][exposition]") {
  CHECK_FALSE(IsValidUtf8("\xC0\x80"));          // NUL in 2 bytes
  CHECK_FALSE(IsValidUtf8("\xC1\xBF"));          // U+007F in 2 bytes
  CHECK_FALSE(IsValidUtf8("\xE0\x80\x80"));      // NUL in 3 bytes
  CHECK_FALSE(IsValidUtf8("\xE0\x9F\xBF"));      // U+07FF in 3 bytes
  CHECK_FALSE(IsValidUtf8("\xF0\x80\x80\x80"));  // NUL in 4 bytes
  CHECK_FALSE(IsValidUtf8("\xF0\x8F\xBF\xBF"));  // U+FFFF in 4 bytes
}

TEST_CASE("IsValidUtf8 rejects surrogates and code points past U+10FFFF", "[common][exposition]") {
  CHECK_FALSE(IsValidUtf8("\xED\xA0\x80"));              // U+D800
  CHECK_FALSE(IsValidUtf8("\xED\xBF\xBF"));              // U+DFFF
  CHECK_FALSE(IsValidUtf8("\xED\xA0\xBD\xED\xB8\x80"));  // CESU-8 surrogate pair
  CHECK_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));          // U+110000
  CHECK_FALSE(IsValidUtf8("\xF7\xBF\xBF\xBF"));
}

TEST_CASE("IsValidUtf8 rejects truncated sequences and stray bytes", "[common][exposition]") {
  CHECK_FALSE(IsValidUtf8("\xC3"));          // lead byte at the end
  CHECK_FALSE(IsValidUtf8("ab\xE2\x82"));    // 3-byte sequence cut short at the end
  CHECK_FALSE(IsValidUtf8("\xF0\x9D\x84"));  // 4-byte sequence cut short at the end
  CHECK_FALSE(IsValidUtf8("\xE2\x82x"));     // continuation byte replaced by ASCII
  CHECK_FALSE(IsValidUtf8("\xC3\xC3\xA9"));  // lead byte followed by another lead byte
  CHECK_FALSE(IsValidUtf8("\x80"));          // lone continuation byte
  CHECK_FALSE(
      IsValidUtf8("a\xBF"
                  "b"));
  CHECK_FALSE(IsValidUtf8("\xF8\x88\x80\x80\x80"));  // 5-byte form
  CHECK_FALSE(IsValidUtf8("\xFE"));
  CHECK_FALSE(IsValidUtf8("\xFF"));
}

TEST_CASE("AppendValidUtf8 replaces each run of invalid bytes with one U+FFFD",
          "[common][exposition]") {
  const auto valid = [](const std::string& text) {
    std::string out = "<";
    AppendValidUtf8(text, &out);
    return out;
  };
  CHECK(valid("") == "<");
  CHECK(valid("Package id 0") == "<Package id 0");
  CHECK(valid("caf\xC3\xA9") == "<caf\xC3\xA9");
  CHECK(valid("a\xFF"
              "b") ==
        "<a\xEF\xBF\xBD"
        "b");
  CHECK(valid("a\xFF\xFE\xFD"
              "b") ==
        "<a\xEF\xBF\xBD"
        "b");  // one run, one replacement
  CHECK(valid("\xFF"
              "a\xFF") ==
        "<\xEF\xBF\xBD"
        "a\xEF\xBF\xBD");
  CHECK(valid("x\xE2\x82") == "<x\xEF\xBF\xBD");      // truncated at the end
  CHECK(valid("\xED\xA0\x80z") == "<\xEF\xBF\xBDz");  // a surrogate is invalid
  CHECK(valid("\xC0\x80") == "<\xEF\xBF\xBD");        // overlong NUL
  CHECK(IsValidUtf8(valid("\xF4\x90\x80\x80\xC3")));
}

TEST_CASE("MetricTypeName names the exposition types", "[common][exposition]") {
  CHECK(std::string(MetricTypeName(METRIC_TYPE_GAUGE)) == "gauge");
  CHECK(std::string(MetricTypeName(METRIC_TYPE_COUNTER)) == "counter");
  CHECK(std::string(MetricTypeName(static_cast<MetricType>(0))) == "untyped");
}

TEST_CASE("AppendDouble writes special values as Prometheus does", "[common][exposition]") {
  CHECK(Double(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(Double(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(Double(std::numeric_limits<double>::quiet_NaN()) == "NaN");
  CHECK(Double(-std::numeric_limits<double>::quiet_NaN()) == "NaN");
}

TEST_CASE("AppendDouble writes the shortest text", "[common][exposition]") {
  CHECK(Double(0.1) == "0.1");
  CHECK(Double(0) == "0");
  CHECK(Double(1) == "1");
  CHECK(Double(-2.5) == "-2.5");
  CHECK(Double(1234567) == "1234567");
  CHECK(Double(0.1 + 0.2) == "0.30000000000000004");
  CHECK(Double(1e21) == "1e+21");
}

TEST_CASE("AppendDouble output parses back to the same double", "[common][exposition]") {
  for (double v : {0.1, 1.0 / 3.0, 2.0 / 3.0, 1e-300, 5e-324, 1.7976931348623157e308, -123.456e-7,
                   9007199254740993.0, 18446744073709551615.0, 3.141592653589793}) {
    std::string text = Double(v);
    INFO(text);
    CHECK(std::strtod(text.c_str(), nullptr) == v);
    CHECK(text.size() <= 24);
  }
}

TEST_CASE("WriteDouble writes AppendDouble's text within kMaxDoubleChars", "[common][exposition]") {
  for (double v : {-2.2250738585072014e-308, -4.9406564584124654e-324, -1.7976931348623157e308,
                   std::numeric_limits<double>::infinity(), 0.5}) {
    char buf[kMaxDoubleChars + 1];
    buf[kMaxDoubleChars] = '#';
    char* end = WriteDouble(buf, v);
    CHECK(std::string(buf, end) == Double(v));
    CHECK(end - buf <= 24);
    CHECK(buf[kMaxDoubleChars] == '#');
  }
}

TEST_CASE("AppendDouble appends without clearing", "[common][exposition]") {
  std::string out = "x ";
  AppendDouble(&out, 1.5);
  CHECK(out == "x 1.5");
}

TEST_CASE("ExpositionWriter writes HELP, TYPE and samples", "[common][exposition]") {
  std::string out;
  ExpositionWriter w(&out);
  w.BeginFamily("node_load1", METRIC_TYPE_GAUGE, "1m load average.");
  LabelRef host[] = {{"instance", "h1"}, {"job", "node"}};
  w.Sample("node_load1", {}, host, 0.5);
  w.BeginFamily("node_cpu_seconds_total", METRIC_TYPE_COUNTER, "");
  LabelRef first[] = {{"cpu", "0"}, {"mode", "idle"}};
  LabelRef second[] = {{"instance", "h1"}};
  w.Sample("node_cpu_seconds_total", first, second, 12);
  w.Sample("up", {}, {}, 1);
  CHECK(out ==
        "# HELP node_load1 1m load average.\n"
        "# TYPE node_load1 gauge\n"
        "node_load1{instance=\"h1\",job=\"node\"} 0.5\n"
        "# TYPE node_cpu_seconds_total counter\n"
        "node_cpu_seconds_total{cpu=\"0\",mode=\"idle\",instance=\"h1\"} 12\n"
        "up 1\n");
}

TEST_CASE("ExpositionWriter escapes backslash, quote and newline in label values",
          "[common][exposition]") {
  std::string out;
  ExpositionWriter w(&out);
  LabelRef labels[] = {{"path", "C:\\dir\\"}, {"q", "say \"hi\""}, {"nl", "a\nb"}, {"raw", "a\tb"}};
  w.Sample("m", labels, {}, 1);
  CHECK(out == "m{path=\"C:\\\\dir\\\\\",q=\"say \\\"hi\\\"\",nl=\"a\\nb\",raw=\"a\tb\"} 1\n");
}

TEST_CASE("ExpositionWriter escapes backslash and newline in HELP but not quotes",
          "[common][exposition]") {
  std::string out;
  ExpositionWriter w(&out);
  w.BeginFamily("m", METRIC_TYPE_GAUGE, "a \"quoted\" back\\slash\nsecond line");
  CHECK(out ==
        "# HELP m a \"quoted\" back\\\\slash\\nsecond line\n"
        "# TYPE m gauge\n");
}

TEST_CASE("ExpositionWriter writes special values in samples", "[common][exposition]") {
  std::string out;
  ExpositionWriter w(&out);
  w.Sample("a", {}, {}, std::numeric_limits<double>::infinity());
  w.Sample("b", {}, {}, std::nan(""));
  CHECK(out == "a +Inf\nb NaN\n");
}

}  // namespace
}  // namespace hostmon::common
