// SPDX-License-Identifier: Apache-2.0
#include "agent/cycle_file.h"

#include <utility>

#include "common/fs_root.h"

namespace hostmon::agent {

CycleFile::CycleFile(std::string path) : path_(std::move(path)) {}

CycleFile::CycleFile(std::string path, std::shared_ptr<const uint64_t> cycle)
    : path_(std::move(path)), cycle_(std::move(cycle)) {}

absl::StatusOr<absl::string_view> CycleFile::Read() {
  if (cycle_ == nullptr || read_cycle_ != *cycle_) {
    status_ = common::ReadFileTo(path_, &text_);
    ++reads_;
    if (cycle_ != nullptr) read_cycle_ = *cycle_;
  }
  if (!status_.ok()) return status_;
  return absl::string_view(text_);
}

CycleFiles::CycleFiles() : cycle_(std::make_shared<uint64_t>(1)) {}

std::shared_ptr<CycleFile> CycleFiles::File(const std::string& path) {
  std::shared_ptr<CycleFile>& file = files_[path];
  if (file == nullptr) file.reset(new CycleFile(path, cycle_));
  return file;
}

}  // namespace hostmon::agent
