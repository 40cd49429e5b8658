// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/os/os_source.h"

#include <string>

#include "absl/strings/str_cat.h"
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
  explicit OsSource(const common::FsRoot& fs)
      : etc_path_(fs.Root("etc/os-release")), usr_lib_path_(fs.Root("usr/lib/os-release")) {}

  absl::Status Collect(SampleWriter& out) override {
    // os-release(5): /etc/os-release takes precedence; /usr/lib/os-release is the fallback.
    const std::string* path = &etc_path_;
    absl::Status status = common::ReadFileTo(etc_path_, &text_);
    if (absl::IsNotFound(status)) {
      path = &usr_lib_path_;
      status = common::ReadFileTo(usr_lib_path_, &text_);
    }
    HM_RETURN_IF_ERROR(status);
    status = ParseOsRelease(text_, &os_);
    if (!status.ok())
      return absl::InvalidArgumentError(absl::StrCat(*path, ": ", status.message()));
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
  std::string etc_path_;
  std::string usr_lib_path_;
  std::string text_;
  OsRelease os_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeOsSource(const SourceContext& ctx) {
  return std::make_unique<OsSource>(*ctx.fs);
}

}  // namespace hostmon::agent
