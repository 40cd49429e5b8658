// SPDX-License-Identifier: Apache-2.0
//
// The latency mesh's plan (docs/mesh.md): who probes whom, and the class of each link. A pure
// function of the members, the options and a seed, so that it is tested without streams and
// every collector with the same view computes the same plans.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace hostmon::collector {

// The collector's `mesh:` configuration section.
struct MeshConfig {
  bool enabled = false;
  // Peers per agent. A fleet of at most max_peers_per_agent + 1 agents probes all pairs; a
  // larger one gets a random subset per agent, re-drawn every rotation_interval.
  int max_peers_per_agent = 32;
  absl::Duration rotation_interval = absl::Minutes(10);
  // The static agent label that says where a host is (same value: class intra_dc).
  std::string group_label = "dc";
  // Group -> region. Two groups in different regions (both listed) make class global; other
  // pairs of different groups are regional.
  std::map<std::string, std::string> regions;
  // /api/v1/mesh and the slow-link ratios look at this much recent history.
  absl::Duration window = absl::Minutes(5);
  // A link is slow when its median round trip exceeds the threshold of its class.
  std::map<std::string, absl::Duration> slow_rtt = {{"intra_dc", absl::Milliseconds(1)},
                                                    {"regional", absl::Milliseconds(30)},
                                                    {"global", absl::Milliseconds(100)}};
  // ... or when at least this share of its probes failed.
  double slow_loss_ratio = 0.5;
};

struct MeshMember {
  std::string host;     // host_name
  std::string address;  // the announced responder address
  std::string group;    // value of group_label ("" when the host has none)
};

struct PlannedPeer {
  std::string host;
  std::string address;
  std::string link_class;  // intra_dc, regional, global

  bool operator==(const PlannedPeer& o) const {
    return host == o.host && address == o.address && link_class == o.link_class;
  }
};

// intra_dc for the same group, global for groups of two different listed regions, else
// regional. Hosts without the group label form the group "".
std::string MeshLinkClass(const std::string& group_a, const std::string& group_b,
                          const std::map<std::string, std::string>& regions);

// Plans of every member, by host name: never the member itself; every member is probed by
// min(n-1, max_peers_per_agent) others and probes as many. Members with the same host name count
// once (the first). Deterministic for the same members (in any order), config and seed.
std::map<std::string, std::vector<PlannedPeer>> ComputeMeshPlans(std::vector<MeshMember> members,
                                                                 const MeshConfig& config,
                                                                 uint64_t seed);

}  // namespace hostmon::collector
