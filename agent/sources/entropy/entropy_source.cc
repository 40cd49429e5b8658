// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/entropy/entropy_source.h"

#include <string>

#include "common/status_macros.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kAvailable{"node_entropy_available_bits", kGauge,
                                "Bits of available entropy."};
constexpr MetricDesc kPoolSize{"node_entropy_pool_size_bits", kGauge, "Bits of entropy pool."};

// Both files hold one decimal number (random(4)), e.g. "256"; common::ParseUint64File parses it.
class EntropySource : public Source {
 public:
  explicit EntropySource(const common::FsRoot& fs)
      : avail_path_(fs.Proc("sys/kernel/random/entropy_avail")),
        poolsize_path_(fs.Proc("sys/kernel/random/poolsize")) {}

  absl::Status Collect(SampleWriter& out) override {
    // Both files are read before writing, so a failure reports neither (as node_exporter).
    uint64_t avail = 0, poolsize = 0;
    HM_RETURN_IF_ERROR(common::ReadFileTo(avail_path_, &text_));
    HM_RETURN_IF_ERROR(common::ParseUint64File(text_, avail_path_, &avail));
    HM_RETURN_IF_ERROR(common::ReadFileTo(poolsize_path_, &text_));
    HM_RETURN_IF_ERROR(common::ParseUint64File(text_, poolsize_path_, &poolsize));
    out.Add(kAvailable, {}, static_cast<double>(avail));
    out.Add(kPoolSize, {}, static_cast<double>(poolsize));
    return absl::OkStatus();
  }

 private:
  std::string avail_path_;
  std::string poolsize_path_;
  std::string text_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeEntropySource(const SourceContext& ctx) {
  return std::make_unique<EntropySource>(*ctx.fs);
}

}  // namespace hostmon::agent
