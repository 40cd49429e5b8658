// SPDX-License-Identifier: Apache-2.0
//
// Per-stream limits of the ingest service (docs/security.md, "Limits"); the limits on what the
// streams may store are HostStoreOptions'.
#pragma once

#include "absl/time/time.h"

namespace hostmon::collector {

struct IngestOptions {
  // A stream that has not sent its Hello this long after it opened is closed
  // (DEADLINE_EXCEEDED) and counted; it held a connection and a reactor for nothing.
  absl::Duration hello_timeout = absl::Seconds(10);
  // Samples per second one stream may send, averaged over a second (a batch counts at least 1).
  // Past it the collector stops reading the stream until the budget refills: the agent sees its
  // acknowledgements slow down and its batches wait in its queue and spool. 0: unlimited.
  double max_samples_per_second = 200000;
};

}  // namespace hostmon::collector
