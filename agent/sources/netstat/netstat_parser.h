// SPDX-License-Identifier: Apache-2.0
//
// Parsers for the kernel's SNMP-style protocol counters.
//
// /proc/net/netstat and /proc/net/snmp hold pairs of lines per protocol, names then values:
//
//   Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails ...
//   Tcp: 1 200 120000 -1 3698 3525 162 ...
//
// /proc/net/snmp6 holds one "<Proto6><Field> <value>" per line:
//
//   Ip6InReceives                   	37
//   Udp6InDatagrams                 	0
#pragma once

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

struct NetstatValue {
  absl::string_view protocol;  // "TcpExt", "Ip", "Udp6", ... (views into the text)
  absl::string_view field;     // "ListenDrops", "InOctets", ...
  double value = 0;            // some counters are signed (Tcp MaxConn is -1)
};

// Appends the values of a netstat/snmp file to *out (callers clear it). `file` names the file in
// errors. Error when a values line is missing, its protocol differs from the names line's, the
// counts differ, or a value is not a number.
absl::Status ParseNetstatPairs(absl::string_view text, absl::string_view file,
                               std::vector<NetstatValue>* out);

// Appends the values of /proc/net/snmp6 to *out. The protocol is the name up to and including the
// first '6' ("Icmp6", "UdpLite6"), as node_exporter splits it; names without a '6' are skipped
// as node_exporter does. Error on a line without exactly two columns or with a bad number.
absl::Status ParseSnmp6(absl::string_view text, std::vector<NetstatValue>* out);

}  // namespace hostmon::agent
