// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/netclass/netclass_parser.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/text_parse.h"

namespace hostmon::agent {

const std::array<NetClassNumeric, kNetClassNumerics> kNetClassNumericFiles = {{
    {"addr_assign_type",
     {"node_network_address_assign_type", kGauge, "Network device property: address_assign_type"},
     kNetClassFixed},
    {"carrier",
     {"node_network_carrier", kGauge, "Network device property: carrier"},
     kNetClassVarying},
    {"carrier_changes",
     {"node_network_carrier_changes_total", kCounter,
      "Network device property: carrier_changes_total"},
     kNetClassVarying},
    {"carrier_up_count",
     {"node_network_carrier_up_changes_total", kCounter,
      "Network device property: carrier_up_changes_total"},
     kNetClassVarying},
    {"carrier_down_count",
     {"node_network_carrier_down_changes_total", kCounter,
      "Network device property: carrier_down_changes_total"},
     kNetClassVarying},
    {"dev_id",
     {"node_network_device_id", kGauge, "Network device property: device_id"},
     kNetClassFixed},
    {"dormant",
     {"node_network_dormant", kGauge, "Network device property: dormant"},
     kNetClassVarying},
    {"flags", {"node_network_flags", kGauge, "Network device property: flags"}, kNetClassVarying},
    {"ifindex",
     {"node_network_iface_id", kGauge, "Network device property: iface_id"},
     kNetClassVarying},
    {"iflink",
     {"node_network_iface_link", kGauge, "Network device property: iface_link"},
     kNetClassFixed},
    {"link_mode",
     {"node_network_iface_link_mode", kGauge, "Network device property: iface_link_mode"},
     kNetClassVarying},
    {"mtu",
     {"node_network_mtu_bytes", kGauge, "Network device property: mtu_bytes"},
     kNetClassVarying},
    {"name_assign_type",
     {"node_network_name_assign_type", kGauge, "Network device property: name_assign_type"},
     kNetClassFixed},
    {"netdev_group",
     {"node_network_net_dev_group", kGauge, "Network device property: net_dev_group"},
     kNetClassVarying},
    {"type",
     {"node_network_protocol_type", kGauge, "Network device property: protocol_type"},
     kNetClassFixed},
    {"tx_queue_len",
     {"node_network_transmit_queue_length", kGauge,
      "Network device property: transmit_queue_length"},
     kNetClassVarying},
}};

absl::string_view NetClassString(absl::string_view text) {
  return absl::StripAsciiWhitespace(text);
}

absl::Status ParseNetClassNumber(absl::string_view text, absl::string_view path, int64_t* out) {
  const absl::string_view value = absl::StripAsciiWhitespace(text);
  if (value.size() > 2 && value[0] == '0' && (value[1] == 'x' || value[1] == 'X')) {
    const absl::string_view digits = value.substr(2);
    if (digits[0] != '-' && digits[0] != '+' && absl::SimpleHexAtoi(digits, out)) {
      return absl::OkStatus();
    }
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": not a hex integer: \"", absl::CEscape(value), "\""));
  }
  absl::Status status = common::ParseInt64(value, path, out);
  return status.ok() ? status : absl::InvalidArgumentError(status.message());
}

absl::string_view NetClassAdminState(bool has_flags, int64_t flags) {
  if (!has_flags) return "unknown";
  return (flags & 1) != 0 ? "up" : "down";
}

}  // namespace hostmon::agent
