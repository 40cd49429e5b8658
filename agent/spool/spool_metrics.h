// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/contributor.h"
#include "agent/spool/spool.h"

namespace hostmon::agent {

// The spool's self metrics (hostmon_agent_spool_*: size, pending backlog, caps, damage, write
// and fsync cost), written into every batch from Spool::stats(). The replayed-batch counters
// belong to the client, which does the replaying (agent/transport/ingest_client.h).
class SpoolMetrics : public Contributor {
 public:
  explicit SpoolMetrics(const Spool* spool) : spool_(spool) {}
  void WriteTo(SampleWriter& out) override;

 private:
  const Spool* spool_;
};

}  // namespace hostmon::agent
