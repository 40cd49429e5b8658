// SPDX-License-Identifier: Apache-2.0
//
// Unit states from systemd over D-Bus, behind an interface so that the systemd source can be
// tested without systemd (which containers and this build sandbox often do not run).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace hostmon::agent {

// One row of org.freedesktop.systemd1.Manager.ListUnits (signature a(ssssssouso)).
struct UnitInfo {
  std::string name;          // "ssh.service"
  std::string load_state;    // "loaded", "not-found", ...
  std::string active_state;  // "active", "failed", ...
  std::string sub_state;     // "running", "dead", ...
  std::string object_path;   // "/org/freedesktop/systemd1/unit/ssh_2eservice"
};

// Connection counters of a .socket unit (org.freedesktop.systemd1.Socket properties).
struct SocketStats {
  uint32_t accepted = 0;  // NAccepted
  uint32_t current = 0;   // NConnections
  uint32_t refused = 0;   // NRefused
};

class SystemdClient {
 public:
  virtual ~SystemdClient() = default;
  // All units systemd has loaded. NotFoundError when there is no system bus or no systemd on it.
  virtual absl::Status ListUnits(std::vector<UnitInfo>* out) = 0;
  // The unit's Type property as node_exporter labels it: Service.Type ("simple", "oneshot", ...)
  // for .service units, Mount.Type ("ext4", ...) for .mount units, "" for every other unit.
  virtual absl::Status UnitType(const UnitInfo& unit, std::string* out) = 0;
  virtual absl::Status Socket(const UnitInfo& unit, SocketStats* out) = 0;
  // Manager property SystemState: "running", "degraded", "starting", ...
  virtual absl::Status SystemState(std::string* out) = 0;
};

// The real client over sd-bus (libsystemd). Connects to the system bus on first use and again
// after any error, so a restarted dbus-daemon or systemd is picked up on the next collection.
std::unique_ptr<SystemdClient> MakeSdBusSystemdClient();

}  // namespace hostmon::agent
