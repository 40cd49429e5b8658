// SPDX-License-Identifier: Apache-2.0
//
// The bounds of every file read of the agent (common::ReadFileTo in fs_root.h, which reads with
// the default cap below): no file can stall or exhaust it.
//  - The open never blocks (O_NONBLOCK: a FIFO without a writer would block it forever), and what
//    was opened must be a regular file (fstat after open, so a symlink's target is what is
//    checked): a FIFO, device node (/dev/zero), socket or directory is refused.
//  - At most `max_bytes` are read: a longer file is an error and *out is emptied (its memory
//    given back).
// Errors name the path: NotFound when the file does not exist, ResourceExhausted for a file over
// the cap, Unavailable for a file that is not regular and for other failures.
#pragma once

#include <cstddef>
#include <string>

#include "absl/status/status.h"

namespace hostmon::common {

// The cap of ReadFileTo(path, out): far above any procfs/sysfs file the sources read
// (/proc/net/tcp of about 1.7 million sockets), yet a bound on the memory and time a file that
// never ends can cost.
inline constexpr size_t kDefaultMaxFileBytes = size_t{256} << 20;

// ReadFileTo with an explicit cap (e.g. the textfile source's max-file-bytes).
absl::Status ReadFileTo(const std::string& path, std::string* out, size_t max_bytes);

// "regular file", "FIFO", "character device", ... for a stat mode (error messages).
const char* FileTypeName(unsigned mode);

namespace internal {
// The two halves of ReadFileTo, shared with KeptFiles (common/kept_files.h).
// Opens `path` without blocking and checks that it is a regular file; counts the open
// (common/file_open_count.h). On success *fd is the caller's to close.
absl::Status OpenRegularFile(const std::string& path, int* fd);
// Reads `fd` to its end into *out within `max_bytes`, with the errors described above: from
// offset 0 with pread(2) when `from_start`, else from the current offset with read(2). Does not
// close `fd`. A failed read(2) leaves its errno in *read_errno when given.
// The end is a read that returns 0 bytes; with `short_read_ends`, also a read that returns fewer
// bytes than asked and fewer than kWholeReadBytes (see KeptFiles: files the kernel renders whole
// in one read, where asking again for the end costs as much as the content).
inline constexpr size_t kWholeReadBytes = 4096;  // the smallest page size Linux has
absl::Status ReadOpenFile(int fd, const std::string& path, std::string* out, size_t max_bytes,
                          bool from_start, int* read_errno = nullptr, bool short_read_ends = false);
}  // namespace internal

}  // namespace hostmon::common
