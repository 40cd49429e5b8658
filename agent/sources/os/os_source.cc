// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/os/os_source.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "agent/sources/common/static_file.h"
#include "agent/sources/os/os_release_parser.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kOsInfo{
    "node_os_info", kGauge,
    "A metric with a constant '1' value labeled by build_id, id, id_like, image_id, "
    "image_version, name, pretty_name, variant, variant_id, version, version_codename, "
    "version_id."};
constexpr MetricDesc kOsVersion{"node_os_version", kGauge,
                                "Metric containing the major.minor part of the OS version."};

class OsSource : public Source {
 public:
  OsSource(const common::FsRoot& fs, const common::Clock* clock)
      : etc_(fs.Root("etc/os-release"), kOsReleaseRefresh, clock),
        usr_lib_(fs.Root("usr/lib/os-release"), kOsReleaseRefresh, clock) {}

  absl::Status Collect(SampleWriter& out) override {
    // os-release(5): /etc/os-release takes precedence; /usr/lib/os-release is the fallback.
    StaticFile* file = &etc_;
    absl::Status status = etc_.Update();
    if (absl::IsNotFound(status)) {
      file = &usr_lib_;
      status = usr_lib_.Update();
    }
    HM_RETURN_IF_ERROR(status);
    // Parsed only when read: between refreshes a collection only writes the two samples.
    if (file->changed() || file != parsed_from_) {
      parsed_from_ = file;
      parse_status_ = ParseOsRelease(file->text(), &os_);
      if (!parse_status_.ok()) {
        parse_status_ =
            absl::InvalidArgumentError(absl::StrCat(file->path(), ": ", parse_status_.message()));
      }
    }
    HM_RETURN_IF_ERROR(parse_status_);
    const LabelRef info[] = {
        {"build_id", os_.build_id},
        {"id", os_.id},
        {"id_like", os_.id_like},
        {"image_id", os_.image_id},
        {"image_version", os_.image_version},
        {"name", os_.name},
        {"pretty_name", os_.pretty_name},
        {"variant", os_.variant},
        {"variant_id", os_.variant_id},
        {"version", os_.version},
        {"version_codename", os_.version_codename},
        {"version_id", os_.version_id},
    };
    out.Add(kOsInfo, info, 1);
    // Like node_exporter, no version series when VERSION_ID has no leading number (rolling
    // releases such as Arch).
    const double version = OsVersionNumber(os_.version_id);
    if (version > 0) {
      const LabelRef labels[] = {{"id", os_.id}, {"id_like", os_.id_like}, {"name", os_.name}};
      out.Add(kOsVersion, labels, version);
    }
    return absl::OkStatus();
  }

 private:
  StaticFile etc_;
  StaticFile usr_lib_;
  const StaticFile* parsed_from_ = nullptr;
  absl::Status parse_status_;
  OsRelease os_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeOsSource(const SourceContext& ctx) {
  return MakeOsSourceWithClock(ctx, &common::RealClock::Get());
}

absl::StatusOr<SourcePtr> MakeOsSourceWithClock(const SourceContext& ctx,
                                                const common::Clock* clock) {
  return std::make_unique<OsSource>(*ctx.fs, clock);
}

}  // namespace hostmon::agent
