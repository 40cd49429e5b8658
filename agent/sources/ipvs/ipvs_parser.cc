// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/ipvs/ipvs_parser.h"

#include <arpa/inet.h>

#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

constexpr absl::string_view kStatsFile = "/proc/net/ip_vs_stats";
constexpr absl::string_view kFile = "/proc/net/ip_vs";

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendDecimal(uint64_t v, std::string* out) {
  char buf[24];
  char* end = absl::numbers_internal::FastIntToBuffer(v, buf);
  out->append(buf, static_cast<size_t>(end - buf));
}

// "C0A80016:0CEA" or "[2620:0000:...:0001]:0050" -> address and port labels, as procfs'
// parseIPPort: the form is told by the length alone (13 or 46).
bool ParseAddressPort(absl::string_view s, std::string* address, std::string* port) {
  uint8_t bytes[16];
  size_t len = 0;
  if (s.size() == 13) {
    for (size_t i = 0; i < 4; ++i) {
      const int hi = HexDigit(s[2 * i]), lo = HexDigit(s[2 * i + 1]);
      if (hi < 0 || lo < 0) return false;
      bytes[i] = static_cast<uint8_t>(hi * 16 + lo);
    }
    len = 4;
  } else if (s.size() == 46) {
    char text[40];
    std::memcpy(text, s.data() + 1, 39);
    text[39] = '\0';
    if (::inet_pton(AF_INET6, text, bytes) != 1) return false;
    len = 16;
  } else {
    return false;
  }
  uint64_t p = 0;
  if (!common::ParseHexUint64(s.substr(s.size() - 4), &p) || p > 0xffff) return false;
  FormatIpvsAddress(bytes, len, address);
  port->clear();
  AppendDecimal(p, port);
  return true;
}

}  // namespace

void FormatIpvsAddress(const uint8_t* bytes, size_t len, std::string* out) {
  out->clear();
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (len == 16 && std::memcmp(bytes, kMapped, 12) == 0) {
    bytes += 12;
    len = 4;
  }
  if (len == 4) {
    for (size_t i = 0; i < 4; ++i) {
      if (i > 0) out->push_back('.');
      AppendDecimal(bytes[i], out);
    }
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  // Any other length is no address; Go prints "<nil>" or "?" and the bytes in hex for it, and
  // reading 16 bytes from a shorter buffer would overrun it.
  if (len != 16) {
    if (len == 0) {
      out->append("<nil>");
      return;
    }
    out->push_back('?');
    for (size_t i = 0; i < len; ++i) {
      out->push_back(kHex[bytes[i] >> 4]);
      out->push_back(kHex[bytes[i] & 0xf]);
    }
    return;
  }
  uint16_t groups[8];
  for (size_t i = 0; i < 8; ++i)
    groups[i] = static_cast<uint16_t>(bytes[2 * i] << 8 | bytes[2 * i + 1]);
  int best = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (groups[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && groups[j] == 0) ++j;
    if (j - i >= 2 && j - i > best_len) {
      best = i;
      best_len = j - i;
    }
    i = j;
  }
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out->append("::");
      i += best_len - 1;
      continue;
    }
    if (i > 0 && i != best + best_len) out->push_back(':');
    const uint16_t g = groups[i];
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      const int d = (g >> shift) & 0xf;
      if (d == 0 && !started && shift > 0) continue;
      started = true;
      out->push_back(kHex[d]);
    }
  }
}

absl::Status ParseIpvsStats(absl::string_view text, IpvsStats* out) {
  // As Go's strings.SplitN(text, "\n", 4): the totals are the third of at least four parts.
  absl::string_view line;
  size_t newlines = 0;
  absl::string_view rest = text;
  for (int i = 0; i < 3; ++i) {
    const size_t nl = rest.find('\n');
    if (nl == absl::string_view::npos) break;
    ++newlines;
    if (i == 2) line = rest.substr(0, nl);
    rest.remove_prefix(nl + 1);
  }
  if (newlines < 3) return absl::InvalidArgumentError(absl::StrCat(kStatsFile, ": too short"));
  common::Fields fields;
  common::SplitFields(line, &fields);
  if (fields.size() != 5) {
    return common::LineError(kStatsFile, 3, line,
                             absl::StrCat("expected 5 fields, got ", fields.size()));
  }
  uint64_t* targets[] = {&out->connections, &out->incoming_packets, &out->outgoing_packets,
                         &out->incoming_bytes, &out->outgoing_bytes};
  for (size_t i = 0; i < 5; ++i) {
    if (!common::ParseHexUint64(fields[i], targets[i])) {
      return common::LineError(kStatsFile, 3, line,
                               absl::StrCat("not a hexadecimal counter: \"", fields[i], "\""));
    }
  }
  return absl::OkStatus();
}

absl::Status ParseIpvsBackends(absl::string_view text, IpvsBackends* out) {
  out->count = 0;
  // The labels of the virtual service the following "->" lines belong to.
  IpvsBackend& service = out->service;
  bool have_service = false;
  common::Fields fields;
  absl::string_view line;
  size_t line_no = 0;
  while (common::NextLine(&text, &line)) {
    ++line_no;
    common::SplitFields(line, &fields);
    if (fields.empty() || fields[0] == "IP" || fields[0] == "Prot") continue;
    // node_exporter's procfs reads fields[1] here and panics on a one-field line; skip it.
    if (fields.size() < 2 || fields[1] == "RemoteAddress:Port") continue;
    if (fields[0] == "TCP" || fields[0] == "UDP") {
      service.proto.assign(fields[0].data(), fields[0].size());
      service.local_mark.clear();
      if (!ParseAddressPort(fields[1], &service.local_address, &service.local_port)) {
        return common::LineError(kFile, line_no, line, "unexpected address:port");
      }
      have_service = true;
    } else if (fields[0] == "FWM") {
      service.proto = "FWM";
      service.local_mark.assign(fields[1].data(), fields[1].size());
      service.local_address.clear();
      service.local_port = "0";
      have_service = true;
    } else if (fields[0] == "->") {
      if (fields.size() < 6) continue;
      if (out->count == out->rows.size()) out->rows.emplace_back();
      IpvsBackend& b = out->rows[out->count];
      if (!ParseAddressPort(fields[1], &b.remote_address, &b.remote_port)) {
        return common::LineError(kFile, line_no, line, "unexpected address:port");
      }
      uint64_t* targets[] = {&b.weight, &b.active, &b.inactive};
      for (size_t i = 0; i < 3; ++i) {
        if (!absl::SimpleAtoi(fields[3 + i], targets[i]) || fields[3 + i][0] == '+' ||
            fields[3 + i][0] == '-') {
          return common::LineError(kFile, line_no, line,
                                   absl::StrCat("not a count: \"", fields[3 + i], "\""));
        }
      }
      // A real server before any service line has empty service labels, as in procfs.
      if (have_service) {
        b.local_address = service.local_address;
        b.local_port = service.local_port;
        b.local_mark = service.local_mark;
        b.proto = service.proto;
      } else {
        b.local_address.clear();
        b.local_port = "0";
        b.local_mark.clear();
        b.proto.clear();
      }
      ++out->count;
    }
  }
  return absl::OkStatus();
}

}  // namespace hostmon::agent
