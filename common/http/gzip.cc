// SPDX-License-Identifier: Apache-2.0
#include "common/http/gzip.h"

#include <zlib.h>

#include <memory>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace hostmon::common::http {

bool AcceptsGzip(absl::string_view accept_encoding) {
  for (absl::string_view item : absl::StrSplit(accept_encoding, ',')) {
    std::vector<absl::string_view> parts = absl::StrSplit(item, ';');
    absl::string_view coding = absl::StripAsciiWhitespace(parts[0]);
    if (!absl::EqualsIgnoreCase(coding, "gzip") && coding != "*") continue;
    double q = 1.0;
    for (size_t i = 1; i < parts.size(); ++i) {
      absl::string_view param = absl::StripAsciiWhitespace(parts[i]);
      if (absl::StartsWithIgnoreCase(param, "q=") && !absl::SimpleAtod(param.substr(2), &q)) {
        q = 0;  // a malformed q-value does not grant anything
      }
    }
    if (q > 0) return true;
  }
  return false;
}

GzipStream::GzipStream(int level) : z_(std::make_unique<z_stream>()) {
  // windowBits 15 + 16: a gzip header and trailer instead of zlib's.
  ready_ = deflateInit2(z_.get(), level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK;
}

GzipStream::~GzipStream() {
  if (ready_) deflateEnd(z_.get());
}

absl::Status GzipStream::Deflate(absl::string_view data, int flush, std::string* out) {
  if (!ready_) return absl::InternalError("gzip: deflateInit2 failed");
  if (finished_) return absl::FailedPreconditionError("gzip: the member is already finished");
  char buf[16384];
  // zlib counts input in uInt: feed very large pieces in slices.
  constexpr size_t kSlice = 1 << 30;
  do {
    const absl::string_view slice = data.substr(0, kSlice);
    data.remove_prefix(slice.size());
    const int mode = data.empty() ? flush : Z_NO_FLUSH;
    z_->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(slice.data()));
    z_->avail_in = static_cast<uInt>(slice.size());
    int rc;
    do {
      z_->next_out = reinterpret_cast<Bytef*>(buf);
      z_->avail_out = sizeof buf;
      rc = deflate(z_.get(), mode);
      if (rc == Z_STREAM_ERROR) return absl::InternalError("gzip: deflate failed");
      out->append(buf, sizeof buf - z_->avail_out);
      // A full output buffer may hide more output; with Z_FINISH, go on to the trailer.
    } while (z_->avail_out == 0 || (mode == Z_FINISH && rc != Z_STREAM_END));
  } while (!data.empty());
  return absl::OkStatus();
}

absl::Status GzipStream::Append(absl::string_view data, std::string* out) {
  if (data.empty()) return absl::OkStatus();
  return Deflate(data, Z_NO_FLUSH, out);
}

absl::Status GzipStream::Finish(std::string* out) {
  absl::Status s = Deflate("", Z_FINISH, out);
  finished_ = true;
  return s;
}

absl::StatusOr<std::string> GzipCompress(absl::string_view data, int level) {
  GzipStream gz(level);
  std::string out;
  out.reserve(data.size() / 4 + 64);
  if (absl::Status s = gz.Append(data, &out); !s.ok()) return s;
  if (absl::Status s = gz.Finish(&out); !s.ok()) return s;
  return out;
}

absl::StatusOr<std::string> GzipDecompress(absl::string_view data, size_t max_bytes) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK) return absl::InternalError("gzip: inflateInit2 failed");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buf[16384];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&z);
      return absl::InvalidArgumentError(absl::StrCat("gzip: corrupt or truncated data (", rc, ")"));
    }
    out.append(buf, sizeof buf - z.avail_out);
    if (out.size() > max_bytes) {
      inflateEnd(&z);
      return absl::ResourceExhaustedError(absl::StrCat("gzip: more than ", max_bytes, " bytes"));
    }
    if (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
      inflateEnd(&z);
      return absl::InvalidArgumentError("gzip: truncated data");
    }
  }
  inflateEnd(&z);
  return out;
}

}  // namespace hostmon::common::http
