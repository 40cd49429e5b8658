// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/filefd/filefd_source.h"

#include <string>

#include "agent/sources/filefd/filefd_parser.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kAllocated{"node_filefd_allocated", kGauge,
                                "File descriptor statistics: allocated."};
constexpr MetricDesc kMaximum{"node_filefd_maximum", kGauge,
                              "File descriptor statistics: maximum."};

class FilefdSource : public Source {
 public:
  explicit FilefdSource(const common::FsRoot& fs) : path_(fs.Proc("sys/fs/file-nr")) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ReadFileTo(path_, &text_));
    FileNr nr;
    HM_RETURN_IF_ERROR(ParseFileNr(text_, &nr));
    out.Add(kAllocated, {}, static_cast<double>(nr.allocated));
    out.Add(kMaximum, {}, static_cast<double>(nr.maximum));
    return absl::OkStatus();
  }

 private:
  std::string path_;
  std::string text_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeFilefdSource(const SourceContext& ctx) {
  return std::make_unique<FilefdSource>(*ctx.fs);
}

}  // namespace hostmon::agent
