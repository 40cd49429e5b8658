// SPDX-License-Identifier: Apache-2.0
//
// The little of the DNS wire format (RFC 1035, section 4) the dns probe needs: one question
// out, the reply's header back. Pure functions over bytes; a truncated or foreign reply is an
// error, never a crash.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent::probe {

// A standard query (RD set) for one question of class IN: header, QNAME, QTYPE, QCLASS. Errors:
// an empty label, a label over 63 bytes, a name over 253 bytes.
absl::StatusOr<std::string> BuildDnsQuery(uint16_t id, absl::string_view name, uint16_t qtype);

struct DnsReply {
  uint16_t id = 0;
  int rcode = 0;
  bool truncated = false;  // TC: the answer did not fit in UDP
  int answers = 0;
  int authority = 0;
  int additional = 0;
};

// The header of a reply (12 bytes, QR set). Errors name what is wrong.
absl::StatusOr<DnsReply> ParseDnsReplyHeader(absl::string_view packet);

// "A" -> 1, "AAAA" -> 28, ... (A, AAAA, CNAME, MX, NS, PTR, SOA, SRV, TXT); -1 when unknown.
int DnsTypeCode(absl::string_view type);
// "NOERROR" -> 0, ... "REFUSED" -> 5; -1 when unknown.
int DnsRcodeCode(absl::string_view rcode);
// 0 -> "NOERROR", ...; "RCODE<n>" for the others.
std::string DnsRcodeName(int rcode);

}  // namespace hostmon::agent::probe
