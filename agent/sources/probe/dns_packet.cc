// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/probe/dns_packet.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace hostmon::agent::probe {

namespace {

struct Code {
  const char* name;
  int code;
};

constexpr Code kTypes[] = {{"A", 1},   {"NS", 2},   {"CNAME", 5}, {"SOA", 6}, {"PTR", 12},
                           {"MX", 15}, {"TXT", 16}, {"AAAA", 28}, {"SRV", 33}};
constexpr Code kRcodes[] = {{"NOERROR", 0},  {"FORMERR", 1}, {"SERVFAIL", 2},
                            {"NXDOMAIN", 3}, {"NOTIMP", 4},  {"REFUSED", 5}};

void Put16(std::string* out, uint16_t v) {
  out->push_back(static_cast<char>(v >> 8));
  out->push_back(static_cast<char>(v & 0xff));
}

uint16_t Get16(absl::string_view p, size_t at) {
  return static_cast<uint16_t>((static_cast<unsigned char>(p[at]) << 8) |
                               static_cast<unsigned char>(p[at + 1]));
}

}  // namespace

absl::StatusOr<std::string> BuildDnsQuery(uint16_t id, absl::string_view name, uint16_t qtype) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);  // the root is implied
  if (name.empty() || name.size() > 253) {
    return absl::InvalidArgumentError(absl::StrCat("DNS name \"", name, "\": 1..253 bytes"));
  }
  std::string out;
  Put16(&out, id);
  Put16(&out, 0x0100);  // standard query, recursion desired
  Put16(&out, 1);       // QDCOUNT
  Put16(&out, 0);
  Put16(&out, 0);
  Put16(&out, 0);
  for (absl::string_view label : absl::StrSplit(name, '.')) {
    if (label.empty() || label.size() > 63) {
      return absl::InvalidArgumentError(
          absl::StrCat("DNS name \"", name, "\": every label must be 1..63 bytes"));
    }
    out.push_back(static_cast<char>(label.size()));
    out.append(label.data(), label.size());
  }
  out.push_back(0);
  Put16(&out, qtype);
  Put16(&out, 1);  // class IN
  return out;
}

absl::StatusOr<DnsReply> ParseDnsReplyHeader(absl::string_view packet) {
  if (packet.size() < 12) {
    return absl::InvalidArgumentError(
        absl::StrCat("DNS reply of ", packet.size(), " bytes: shorter than its 12-byte header"));
  }
  const uint16_t flags = Get16(packet, 2);
  if ((flags & 0x8000) == 0) return absl::InvalidArgumentError("DNS packet is not a reply (QR 0)");
  DnsReply r;
  r.id = Get16(packet, 0);
  r.rcode = flags & 0x000f;
  r.truncated = (flags & 0x0200) != 0;
  r.answers = Get16(packet, 6);
  r.authority = Get16(packet, 8);
  r.additional = Get16(packet, 10);
  return r;
}

int DnsTypeCode(absl::string_view type) {
  for (const Code& c : kTypes) {
    if (absl::EqualsIgnoreCase(type, c.name)) return c.code;
  }
  return -1;
}

int DnsRcodeCode(absl::string_view rcode) {
  for (const Code& c : kRcodes) {
    if (absl::EqualsIgnoreCase(rcode, c.name)) return c.code;
  }
  return -1;
}

std::string DnsRcodeName(int rcode) {
  for (const Code& c : kRcodes) {
    if (c.code == rcode) return c.name;
  }
  return absl::StrCat("RCODE", rcode);
}

}  // namespace hostmon::agent::probe
