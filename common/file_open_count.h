// SPDX-License-Identifier: Apache-2.0
//
// How many files and directories the calling thread has opened through ReadFileTo
// (common/fs_root.h) and the directory readers (common/dir_entries.h), the two places where the
// agent opens what it collects. The agent's per-source cost report (--debug.cost) takes the
// difference around a source's collection. A thread-local increment, so it is always on.
#pragma once

#include <cstdint>

namespace hostmon::common {

uint64_t FilesOpenedOnThisThread();

namespace internal {
// Counts one successful open for FilesOpenedOnThisThread().
void NoteFileOpened();
}  // namespace internal

}  // namespace hostmon::common
