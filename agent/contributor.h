// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "agent/source.h"

namespace hostmon::agent {

// A part of the agent that adds samples to every batch after the sources (Collection::
// AddContributor): the slow tier merges its sources' latest results; the spool, the send queue
// and the collector client write their own self metrics, each owner next to its statistics.
class Contributor {
 public:
  virtual ~Contributor() = default;
  // Called on the collection's thread once per cycle. Must not block on I/O or on a device: the
  // fast cycle's pace depends on it.
  virtual void WriteTo(SampleWriter& out) = 0;
};

}  // namespace hostmon::agent
