// SPDX-License-Identifier: Apache-2.0
//
// Parsing of the one-value attribute files of /sys/class/net/<iface>/, e.g.
//
//   /sys/class/net/eth0/mtu      "1400\n"
//   /sys/class/net/eth0/flags    "0x1003\n"
//   /sys/class/net/eth0/speed    "-1\n"     (virtio: unknown speed)
//   /sys/class/net/eth0/address  "02:fc:00:00:00:01\n"
//
// and the table of attributes node_exporter 1.12's netclass collector exports.
#pragma once

#include <array>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "agent/source.h"

namespace hostmon::agent {

// How often an attribute's value may change, after the kernel's
// Documentation/ABI/testing/sysfs-class-net.
enum NetClassChange {
  // Counters and state (carrier, flags, mtu, ...): read every collection. So is ifindex, which
  // tells a re-created interface of the same name from the old one.
  kNetClassVarying,
  // Set when the interface is created (type, dev_id, iflink, name_assign_type) or only by an
  // administrative command (addr_assign_type becomes "set" with `ip link set address`): read at
  // an interface's first collection and then on a slow refresh (the source's kNetclassRefresh).
  kNetClassFixed,
};

// A numeric attribute: the sysfs file and the metric node_exporter makes of it.
struct NetClassNumeric {
  absl::string_view file;  // e.g. "tx_queue_len"
  MetricDesc desc;         // e.g. node_network_transmit_queue_length
  NetClassChange change;
};

inline constexpr int kNetClassNumerics = 16;
// Every numeric attribute but speed (which is scaled to bytes and may be skipped), in the order
// node_exporter pushes them.
extern const std::array<NetClassNumeric, kNetClassNumerics> kNetClassNumericFiles;

// The value of an attribute file without surrounding whitespace (the trailing newline).
absl::string_view NetClassString(absl::string_view text);

// node_network_info's adminstate label, as node_exporter 1.12: "up" when the flags attribute has
// IFF_UP (bit 0) set, "down" when not, "unknown" without a readable flags file.
absl::string_view NetClassAdminState(bool has_flags, int64_t flags);

// Parses a numeric attribute as node_exporter's procfs does (Go ParseInt with base 0): "0x" hex
// (dev_id, flags) or signed decimal. `path` names the file in errors.
absl::Status ParseNetClassNumber(absl::string_view text, absl::string_view path, int64_t* out);

}  // namespace hostmon::agent
