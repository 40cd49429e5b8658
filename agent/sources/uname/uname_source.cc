// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/uname/uname_source.h"

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kUnameInfo{"node_uname_info", kGauge,
                                "Labeled system information as provided by the uname system call."};

// The utsname members are NUL-terminated within their fixed-size arrays.
template <size_t N>
absl::string_view Field(const char (&field)[N]) {
  return absl::string_view(field, strnlen(field, N));
}

class UnameSource : public Source {
 public:
  UnameSource(UnameFunction uname, const common::Clock* clock)
      : uname_(std::move(uname)), clock_(clock) {}

  absl::Status Collect(SampleWriter& out) override {
    const absl::Time now = clock_->Now();
    if (!cached_ || now - called_at_ >= kUnameRefresh) {
      std::memset(&u_, 0, sizeof(u_));
      absl::Status status = uname_(&u_);
      cached_ = status.ok();  // a failure is not cached: the next collection calls again
      if (!status.ok()) return status;
      called_at_ = now;
    }
    const struct utsname& u = u_;
    // node_exporter's label order (alphabetical).
    const LabelRef labels[] = {
        {"domainname", Field(u.domainname)}, {"machine", Field(u.machine)},
        {"nodename", Field(u.nodename)},     {"release", Field(u.release)},
        {"sysname", Field(u.sysname)},       {"version", Field(u.version)},
    };
    out.Add(kUnameInfo, labels, 1);
    return absl::OkStatus();
  }

 private:
  UnameFunction uname_;
  const common::Clock* clock_;
  struct utsname u_;
  bool cached_ = false;
  absl::Time called_at_;
};

absl::Status SystemUname(struct utsname* out) {
  if (::uname(out) != 0) {
    const int err = errno;
    return absl::InternalError(absl::StrCat("uname(2): ", std::strerror(err)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<SourcePtr> MakeUnameSource(const SourceContext& /*ctx*/) {
  return MakeUnameSourceWith(SystemUname);
}

absl::StatusOr<SourcePtr> MakeUnameSourceWith(UnameFunction uname, const common::Clock* clock) {
  return std::make_unique<UnameSource>(std::move(uname), clock);
}

}  // namespace hostmon::agent
