// SPDX-License-Identifier: Apache-2.0
#include "collector/mesh/mesh_plan.h"

#include <algorithm>
#include <random>

namespace hostmon::collector {

std::string MeshLinkClass(const std::string& group_a, const std::string& group_b,
                          const std::map<std::string, std::string>& regions) {
  if (group_a == group_b) return "intra_dc";
  auto a = regions.find(group_a);
  auto b = regions.find(group_b);
  if (a != regions.end() && b != regions.end() && a->second != b->second) return "global";
  return "regional";
}

std::map<std::string, std::vector<PlannedPeer>> ComputeMeshPlans(std::vector<MeshMember> members,
                                                                 const MeshConfig& config,
                                                                 uint64_t seed) {
  std::sort(members.begin(), members.end(),
            [](const MeshMember& a, const MeshMember& b) { return a.host < b.host; });
  members.erase(
      std::unique(members.begin(), members.end(),
                  [](const MeshMember& a, const MeshMember& b) { return a.host == b.host; }),
      members.end());
  const size_t n = members.size();
  std::map<std::string, std::vector<PlannedPeer>> plans;
  for (const MeshMember& m : members) plans[m.host];
  if (n < 2) return plans;
  const size_t k = std::min(n - 1, static_cast<size_t>(std::max(1, config.max_peers_per_agent)));
  // A ring over a seeded permutation: position i probes positions i+1 .. i+k. Each member then
  // probes k others and is probed by k others, and a new seed (rotation) re-draws the
  // neighbourhoods. With k = n-1 the ring is everyone. The shuffle is written out (not
  // std::shuffle, whose algorithm the standard leaves open) so a seed means the same everywhere.
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  if (k < n - 1) {
    std::mt19937_64 rng(seed);
    for (size_t i = n - 1; i > 0; --i) std::swap(order[i], order[rng() % (i + 1)]);
  }
  for (size_t i = 0; i < n; ++i) {
    const MeshMember& self = members[order[i]];
    std::vector<PlannedPeer>& plan = plans[self.host];
    for (size_t d = 1; d <= k; ++d) {
      const MeshMember& peer = members[order[(i + d) % n]];
      plan.push_back(
          {peer.host, peer.address, MeshLinkClass(self.group, peer.group, config.regions)});
    }
    std::sort(plan.begin(), plan.end(),
              [](const PlannedPeer& a, const PlannedPeer& b) { return a.host < b.host; });
  }
  return plans;
}

}  // namespace hostmon::collector
