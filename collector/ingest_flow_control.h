// SPDX-License-Identifier: Apache-2.0
//
// Backpressure from outputs to agent streams: a stream reads its next message only when the
// outputs have room, so a slow or absent receiver makes batches wait in the agents' spools (on
// disk, bounded, drop-counted) instead of in collector memory.
#pragma once

#include <functional>

namespace hostmon::collector {

class IngestFlowControl {
 public:
  virtual ~IngestFlowControl() = default;
  // True if a stream may read its next batch now. Otherwise `resume` is called exactly once, later
  // and from another thread, when there is room again.
  virtual bool ReadyOrNotify(std::function<void()> resume) = 0;
};

}  // namespace hostmon::collector
