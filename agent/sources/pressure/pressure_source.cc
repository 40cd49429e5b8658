// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/pressure/pressure_source.h"

#include <string>

#include "agent/sources/pressure/pressure_parser.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

// Microseconds to seconds is done as node_exporter does it, /1000/1000, so that the doubles are
// bit-identical to its output.

constexpr MetricDesc kCpuWaiting{"node_pressure_cpu_waiting_seconds_total", kCounter,
                                 "Total time in seconds that processes have waited for CPU time"};
constexpr MetricDesc kIoWaiting{
    "node_pressure_io_waiting_seconds_total", kCounter,
    "Total time in seconds that processes have waited due to IO congestion"};
constexpr MetricDesc kIoStalled{
    "node_pressure_io_stalled_seconds_total", kCounter,
    "Total time in seconds no process could make progress due to IO congestion"};
constexpr MetricDesc kMemoryWaiting{"node_pressure_memory_waiting_seconds_total", kCounter,
                                    "Total time in seconds that processes have waited for memory"};
constexpr MetricDesc kMemoryStalled{
    "node_pressure_memory_stalled_seconds_total", kCounter,
    "Total time in seconds no process could make progress due to memory congestion"};
// Name and help of node_exporter >= 1.8, which added irq.
constexpr MetricDesc kIrqStalled{
    "node_pressure_irq_stalled_seconds_total", kCounter,
    "Total time in seconds no process could make progress due to IRQ congestion"};

struct Resource {
  const char* file;
  const MetricDesc* some;  // nullptr: not exported (cpu's "full" line, irq's absent "some")
  const MetricDesc* full;
};

constexpr Resource kResources[] = {
    {"pressure/cpu", &kCpuWaiting, nullptr},
    {"pressure/io", &kIoWaiting, &kIoStalled},
    {"pressure/memory", &kMemoryWaiting, &kMemoryStalled},
    {"pressure/irq", nullptr, &kIrqStalled},
};
constexpr size_t kNumResources = sizeof(kResources) / sizeof(kResources[0]);

class PressureSource : public Source {
 public:
  explicit PressureSource(const common::FsRoot& fs) {
    for (size_t i = 0; i < kNumResources; ++i) paths_[i] = fs.Proc(kResources[i].file);
  }

  absl::Status Collect(SampleWriter& out) override {
    // Without CONFIG_PSI (or before Linux 4.20) /proc/pressure does not exist; that is NotFound.
    // A single missing file is skipped: irq is newer than the others.
    size_t found = 0;
    for (size_t i = 0; i < kNumResources; ++i) {
      absl::Status status = common::ReadFileTo(paths_[i], &text_);
      if (absl::IsNotFound(status)) continue;
      HM_RETURN_IF_ERROR(status);
      ++found;
      PsiTotals totals;
      HM_RETURN_IF_ERROR(ParsePsi(text_, paths_[i], &totals));
      const Resource& r = kResources[i];
      if (r.some != nullptr && totals.has_some) {
        out.Add(*r.some, {}, static_cast<double>(totals.some_us) / 1000.0 / 1000.0);
      }
      if (r.full != nullptr && totals.has_full) {
        out.Add(*r.full, {}, static_cast<double>(totals.full_us) / 1000.0 / 1000.0);
      }
    }
    if (found == 0) {
      return absl::NotFoundError(paths_[0] +
                                 " and the other PSI files do not exist "
                                 "(needs Linux >= 4.20 with CONFIG_PSI)");
    }
    return absl::OkStatus();
  }

 private:
  std::string paths_[kNumResources];
  std::string text_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakePressureSource(const SourceContext& ctx) {
  return std::make_unique<PressureSource>(*ctx.fs);
}

}  // namespace hostmon::agent
