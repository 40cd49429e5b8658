// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/interrupts/interrupts_source.h"

#include <charconv>
#include <string>
#include <vector>

#include "agent/sources/interrupts/interrupts_parser.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kInterrupts{"node_interrupts_total", kCounter, "Interrupt details."};

class InterruptsSource : public Source {
 public:
  explicit InterruptsSource(const common::FsRoot& fs) : path_(fs.Proc("interrupts")) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ReadFileTo(path_, &text_));
    size_t count = 0;
    HM_RETURN_IF_ERROR(ParseInterrupts(text_, &lines_, &count));
    for (size_t l = 0; l < count; ++l) {
      const InterruptLine& irq = lines_[l];
      for (size_t cpu = 0; cpu < irq.counts.size(); ++cpu) {
        // The column index, as node_exporter labels it (not the CPUn header, which differs
        // only when CPUs are offline).
        char buf[24];
        const char* end = std::to_chars(buf, buf + sizeof(buf), cpu).ptr;
        // Sorted by name, as node_exporter's exposition writes them.
        const LabelRef labels[] = {{"cpu", absl::string_view(buf, end - buf)},
                                   {"devices", irq.devices},
                                   {"info", irq.info},
                                   {"type", irq.name}};
        out.Add(kInterrupts, labels, static_cast<double>(irq.counts[cpu]));
      }
    }
    return absl::OkStatus();
  }

 private:
  std::string path_;
  std::string text_;
  std::vector<InterruptLine> lines_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeInterruptsSource(const SourceContext& ctx) {
  return std::make_unique<InterruptsSource>(*ctx.fs);
}

}  // namespace hostmon::agent
