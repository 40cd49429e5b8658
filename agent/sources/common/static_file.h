// SPDX-License-Identifier: Apache-2.0
//
// Files whose content cannot change while the host runs, or changes only on rare administrative
// events (os-release, DMI identifiers, a NIC's permanent address, hwmon labels, entropy's
// poolsize, nf_conntrack_max, ...), need not be read every collection: even a small procfs or
// sysfs read costs the kernel a path walk, an open, a read and a close (5 to 150 us on the VM of
// docs/benchmarks.md#floor-the-kernels-cost-of-the-files-read). A StaticFile reads its file at the
// first collection and then again only once `refresh` has passed, so a change is still seen within
// one refresh interval; each source that uses it documents its interval (docs/sources.md).
//
// Failures are not cached: a file that cannot be read is tried again at the next call, so a file
// that appears later is found at once, and a file that disappears is reported at its refresh.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/clock.h"

namespace hostmon::agent {

class StaticFile {
 public:
  // `clock` decides when the refresh is due (tests pass a fake one); not owned.
  StaticFile(std::string path, absl::Duration refresh,
             const common::Clock* clock = &common::RealClock::Get());

  // Reads the file if it has never been read successfully or its last successful read is at
  // least `refresh` old; otherwise keeps the cached content. OK: text() holds the content. An
  // error (the same statuses as common::ReadFileTo, naming the path) clears the cache.
  absl::Status Update();

  // The content as of the last successful Update(); empty before.
  const std::string& text() const { return text_; }
  // Whether the last Update() read the file (a source re-parses only then).
  bool changed() const { return changed_; }
  const std::string& path() const { return path_; }
  // Successful reads so far.
  uint64_t reads() const { return reads_; }

 private:
  std::string path_;
  absl::Duration refresh_;
  const common::Clock* clock_;
  std::string text_;
  bool cached_ = false;
  bool changed_ = false;
  absl::Time read_at_ = absl::InfinitePast();
  uint64_t reads_ = 0;
};

}  // namespace hostmon::agent
