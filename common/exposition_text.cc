// SPDX-License-Identifier: Apache-2.0
#include "common/exposition_text.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "common/utf8.h"

namespace hostmon::common {
namespace {

bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool IsValidMetricName(absl::string_view name) {
  if (name.empty() || !(IsNameStart(name[0]) || name[0] == ':')) return false;
  for (char c : name) {
    if (!(IsNameStart(c) || IsDigit(c) || c == ':')) return false;
  }
  return true;
}

bool IsValidLabelName(absl::string_view name) {
  if (name.empty() || !IsNameStart(name[0])) return false;
  if (name.size() >= 2 && name[0] == '_' && name[1] == '_') return false;
  for (char c : name) {
    if (!(IsNameStart(c) || IsDigit(c))) return false;
  }
  return true;
}

namespace {

// Length of the well-formed UTF-8 sequence at text[i] (1 to 4), 0 when the bytes there are not
// one: overlong encodings, surrogates, values past U+10FFFF and truncated sequences are not.
size_t Utf8SequenceAt(absl::string_view text, size_t i) {
  const unsigned char c = static_cast<unsigned char>(text[i]);
  size_t len;
  uint32_t cp;
  if (c < 0x80) {
    return 1;
  } else if ((c & 0xE0) == 0xC0) {
    len = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > text.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    unsigned char cc = static_cast<unsigned char>(text[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
      cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return len;
}

}  // namespace

bool IsValidUtf8(absl::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const size_t len = Utf8SequenceAt(text, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

void AppendValidUtf8(absl::string_view text, std::string* out) {
  bool in_invalid_run = false;
  for (size_t i = 0; i < text.size();) {
    const size_t len = Utf8SequenceAt(text, i);
    if (len == 0) {
      // As Go's decoder: an invalid byte is skipped alone, a run of them becomes one U+FFFD.
      if (!in_invalid_run) out->append("\xEF\xBF\xBD");
      in_invalid_run = true;
      ++i;
      continue;
    }
    in_invalid_run = false;
    out->append(text.data() + i, len);
    i += len;
  }
}

char* WriteDouble(char* out, double value) {
  auto put = [out](absl::string_view text) {
    std::memcpy(out, text.data(), text.size());
    return out + text.size();
  };
  if (std::isnan(value)) return put("NaN");
  if (std::isinf(value)) return put(value > 0 ? "+Inf" : "-Inf");
  // The shortest round-trip form is at most 24 characters ("-2.2250738585072014e-308").
  return std::to_chars(out, out + kMaxDoubleChars, value).ptr;
}

void AppendDouble(std::string* out, double value) {
  char buf[kMaxDoubleChars];
  out->append(buf, static_cast<size_t>(WriteDouble(buf, value) - buf));
}

}  // namespace hostmon::common
