// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/softirqs/softirqs_source.h"

#include <charconv>
#include <string>

#include "agent/sources/softirqs/softirqs_parser.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kFunctions{"node_softirqs_functions_total", kCounter,
                                "Softirq counts per CPU."};

class SoftirqsSource : public Source {
 public:
  explicit SoftirqsSource(const common::FsRoot& fs) : path_(fs.Proc("softirqs")) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ReadFileTo(path_, &text_));
    return ParseSoftirqs(text_, path_, [&out](absl::string_view type, size_t cpu, uint64_t v) {
      char buf[24];
      const char* end = std::to_chars(buf, buf + sizeof(buf), cpu).ptr;
      const LabelRef labels[] = {{"cpu", absl::string_view(buf, end - buf)}, {"type", type}};
      out.Add(kFunctions, labels, static_cast<double>(v));
    });
  }

 private:
  std::string path_;
  std::string text_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeSoftirqsSource(const SourceContext& ctx) {
  return std::make_unique<SoftirqsSource>(*ctx.fs);
}

}  // namespace hostmon::agent
