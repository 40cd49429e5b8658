// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/entropy/entropy_source.h"

#include <string>

#include "agent/sources/common/static_file.h"
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
  EntropySource(const common::FsRoot& fs, const common::Clock* clock)
      : avail_path_(fs.Proc("sys/kernel/random/entropy_avail")),
        poolsize_(fs.Proc("sys/kernel/random/poolsize"), kEntropyPoolSizeRefresh, clock) {}

  absl::Status Collect(SampleWriter& out) override {
    // Both files are read before writing, so a failure reports neither (as node_exporter).
    uint64_t avail = 0;
    HM_RETURN_IF_ERROR(common::ReadFileTo(avail_path_, &text_));
    HM_RETURN_IF_ERROR(common::ParseUint64File(text_, avail_path_, &avail));
    HM_RETURN_IF_ERROR(poolsize_.Update());
    // Parsed only when read; a bad value fails every collection until a refresh reads a good one.
    if (poolsize_.changed()) {
      poolsize_status_ =
          common::ParseUint64File(poolsize_.text(), poolsize_.path(), &poolsize_bits_);
    }
    HM_RETURN_IF_ERROR(poolsize_status_);
    out.Add(kAvailable, {}, static_cast<double>(avail));
    out.Add(kPoolSize, {}, static_cast<double>(poolsize_bits_));
    return absl::OkStatus();
  }

 private:
  std::string avail_path_;
  StaticFile poolsize_;
  absl::Status poolsize_status_;
  uint64_t poolsize_bits_ = 0;
  std::string text_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeEntropySource(const SourceContext& ctx) {
  return MakeEntropySourceWithClock(ctx, &common::RealClock::Get());
}

absl::StatusOr<SourcePtr> MakeEntropySourceWithClock(const SourceContext& ctx,
                                                     const common::Clock* clock) {
  return std::make_unique<EntropySource>(*ctx.fs, clock);
}

}  // namespace hostmon::agent
