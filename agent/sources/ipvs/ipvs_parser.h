// SPDX-License-Identifier: Apache-2.0
//
// IP Virtual Server (net/netfilter/ipvs/ip_vs_ctl.c) tables:
//
// /proc/net/ip_vs_stats, totals since the module was loaded, hexadecimal:
//      Total Incoming Outgoing         Incoming         Outgoing
//      Conns  Packets  Packets            Bytes            Bytes
//    16AA370 E33656E5        0     51D8C8883AB3                0
//   (a blank line, then per-second rates)
//
// /proc/net/ip_vs, each virtual service followed by its real servers:
//   IP Virtual Server version 1.2.1 (size=4096)
//   Prot LocalAddress:Port Scheduler Flags
//     -> RemoteAddress:Port Forward Weight ActiveConn InActConn
//   TCP  C0A80016:0CEA wlc
//     -> C0A85216:0CEA      Tunnel  100    248        2
//   FWM  10001000 wlc
//     -> [2620:0000:0000:0000:0000:0000:0000:0001]:0050      Route   1      0          0
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

struct IpvsStats {
  uint64_t connections = 0, incoming_packets = 0, outgoing_packets = 0, incoming_bytes = 0,
           outgoing_bytes = 0;
};

// The totals line (the third) of ip_vs_stats. Error naming the file when the text has fewer than
// three lines, the line has other than 5 fields, or a field is not hexadecimal.
absl::Status ParseIpvsStats(absl::string_view text, IpvsStats* out);

// One real server of one virtual service, with the label values node_exporter gives it.
struct IpvsBackend {
  std::string local_address;  // "192.168.0.22"; "" for a firewall-mark service
  std::string local_port;     // decimal; "0" for a firewall-mark service
  std::string local_mark;     // the FWM service's mark as written; "" otherwise
  std::string remote_address;
  std::string remote_port;
  std::string proto;  // "TCP", "UDP", "FWM"
  uint64_t weight = 0, active = 0, inactive = 0;
};

// The real servers of ip_vs, reused from one scrape to the next: rows[0, count) are this
// scrape's; rows beyond, and `service` (the scratch labels of the service being read), keep their
// strings' capacity, so that a steady-state scrape does not allocate.
struct IpvsBackends {
  std::vector<IpvsBackend> rows;
  size_t count = 0;
  IpvsBackend service;
};

// Parses ip_vs. Header lines and lines too short to read are skipped, as by node_exporter's
// procfs; an address that is neither "XXXXXXXX:PPPP" (IPv4) nor "[<IPv6>]:PPPP", or a count that
// is not decimal, is an error naming the file and line.
absl::Status ParseIpvsBackends(absl::string_view text, IpvsBackends* out);

// An address as Go's net.IP.String() prints it: dotted quad for IPv4 and IPv4-mapped IPv6,
// otherwise RFC 5952 (lower case, leading zeros dropped, the longest run of two or more zero
// groups, the first such, as "::"). Any length but 4 and 16 is, as in Go, "<nil>" when 0 and
// otherwise "?" followed by the bytes in hex.
void FormatIpvsAddress(const uint8_t* bytes, size_t len, std::string* out);

}  // namespace hostmon::agent
