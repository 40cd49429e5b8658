// SPDX-License-Identifier: Apache-2.0
//
// Lowers the calling thread's CPU priority. On Linux a nice value belongs to a thread, not to
// the process (setpriority(2) with a thread id), so one thread can yield to the others: the
// collector's web threads (a scrape is seconds of CPU for a large fleet) yield to the ingest
// threads, whose acknowledgements agents wait for.
#pragma once

#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace hostmon::common {

// Adds `steps` to the calling thread's nice value (at most 19), relative to what it inherited:
// a collector an operator started with `nice` stays below what it was given. Best effort: false
// if the kernel refused (raising the value needs no privilege).
inline bool LowerThreadPriority(int steps) {
  const id_t tid = static_cast<id_t>(syscall(SYS_gettid));
  errno = 0;
  const int current = getpriority(PRIO_PROCESS, tid);  // -1 is a valid value: errno tells
  if (errno != 0) return false;
  const int target = current + steps > 19 ? 19 : current + steps;
  return setpriority(PRIO_PROCESS, tid, target) == 0;
}

}  // namespace hostmon::common
