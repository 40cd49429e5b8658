// SPDX-License-Identifier: Apache-2.0
//
// libFuzzer target for the probe source's DNS reply parser (agent/sources/probe/dns_packet.h):
// the reply comes from the network. The seeds are replies built from the queries the probe sends
// (a query is a reply header with QR clear), so the fuzzer starts from well-formed packets.
#include <cstddef>
#include <cstdint>
#include <string>

#include "agent/sources/probe/dns_packet.h"
#include "tests/fuzz/fuzz_common.h"

namespace probe = hostmon::agent::probe;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::vector<std::string> replies;
  for (const char* name : {"example.com", "a.b.c.d.example.org.", "localhost"}) {
    for (int type : {1, 28, 15}) {
      auto q = probe::BuildDnsQuery(0x1234, name, static_cast<uint16_t>(type));
      if (!q.ok()) continue;
      std::string r = *q;
      r[2] = static_cast<char>(r[2] | 0x80);  // QR: a response
      replies.push_back(r);
    }
  }
  hostmon::fuzz::Initialize({{"", {}, false, replies}});
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view packet(reinterpret_cast<const char*>(data), size);
  auto reply = probe::ParseDnsReplyHeader(packet);
  if (reply.ok()) (void)probe::DnsRcodeName(reply->rcode);
  // A query name comes from the probes config: the builder must refuse what it cannot encode.
  if (size > 2) {
    auto q =
        probe::BuildDnsQuery(0, packet.substr(2), static_cast<uint16_t>(data[0] << 8 | data[1]));
    if (q.ok()) (void)probe::ParseDnsReplyHeader(*q);
  }
  (void)probe::DnsTypeCode(packet);
  return 0;
}
