// SPDX-License-Identifier: Apache-2.0
// GzipStream: a gzip member made piece by piece equals the text made whole, and gunzip reads it.
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/http/gzip.h"

namespace hostmon::common::http {
namespace {

std::string Exposition(int lines) {
  std::string text;
  for (int i = 0; i < lines; ++i) {
    absl::StrAppend(&text, "node_cpu_seconds_total{cpu=\"", i % 64, "\",mode=\"m", i, "\"} ",
                    i * 7919 % 100003, "\n");
  }
  return text;
}

// Feeds `text` to a GzipStream in pieces of `piece` bytes.
std::string CompressInPieces(const std::string& text, size_t piece) {
  GzipStream gz;
  std::string out;
  for (size_t pos = 0; pos < text.size(); pos += piece) {
    REQUIRE(gz.Append(absl::string_view(text).substr(pos, piece), &out).ok());
  }
  REQUIRE(gz.Finish(&out).ok());
  return out;
}

TEST_CASE("GzipStream: many pieces round-trip to the whole text", "[common][gzip]") {
  const std::string text = Exposition(200000);  // ~12 MB, many deflate blocks
  for (size_t piece : {size_t{1} << 16, size_t{100003}, text.size()}) {
    INFO("piece " << piece);
    const std::string z = CompressInPieces(text, piece);
    CHECK(z.size() * 4 < text.size());
    auto plain = GzipDecompress(z, text.size() + 1);
    REQUIRE(plain.ok());
    CHECK(*plain == text);
  }
  // Tiny pieces over the first MiB only: the per-call path is the point, not the volume.
  const std::string head = text.substr(0, 1 << 20);
  auto tiny = GzipDecompress(CompressInPieces(head, 7), head.size());
  REQUIRE(tiny.ok());
  CHECK(*tiny == head);
  // The one-shot helper is the same compressor.
  auto whole = GzipCompress(text);
  REQUIRE(whole.ok());
  CHECK(*GzipDecompress(*whole, text.size()) == text);
}

TEST_CASE("GzipStream: output comes as it goes, not only at the end", "[common][gzip]") {
  // A streamed response must not hold the whole compressed body until Finish.
  const std::string text = Exposition(100000);
  GzipStream gz;
  std::string out;
  size_t largest_step = 0;
  for (size_t pos = 0; pos < text.size(); pos += 65536) {
    const size_t before = out.size();
    REQUIRE(gz.Append(absl::string_view(text).substr(pos, 65536), &out).ok());
    largest_step = std::max(largest_step, out.size() - before);
  }
  const size_t before_finish = out.size();
  REQUIRE(gz.Finish(&out).ok());
  CHECK(before_finish > out.size() / 2);
  CHECK(largest_step < 256 * 1024);
  CHECK(gz.Append("more", &out).code() == absl::StatusCode::kFailedPrecondition);
}

TEST_CASE("GzipStream: an empty body is a valid empty member", "[common][gzip]") {
  GzipStream gz;
  std::string out;
  REQUIRE(gz.Append("", &out).ok());
  REQUIRE(gz.Finish(&out).ok());
  CHECK(out.size() >= 18);  // 10-byte header, an empty block, 8-byte trailer
  auto plain = GzipDecompress(out, 10);
  REQUIRE(plain.ok());
  CHECK(plain->empty());
}

TEST_CASE("GzipStream: gunzip reads the output", "[common][gzip]") {
  const std::string text = Exposition(20000);
  const std::string z = CompressInPieces(text, 4096);
  char dir[] = "/tmp/gzip_stream_test.XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  const std::string path = absl::StrCat(dir, "/body.gz");
  std::ofstream(path, std::ios::binary) << z;
  FILE* p = popen(absl::StrCat("gunzip -c ", path).c_str(), "r");
  REQUIRE(p != nullptr);
  std::string plain;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) plain.append(buf, n);
  const int rc = pclose(p);
  CHECK(WIFEXITED(rc));
  CHECK(WEXITSTATUS(rc) == 0);
  CHECK(plain == text);
  unlink(path.c_str());
  rmdir(dir);
}

}  // namespace
}  // namespace hostmon::common::http
