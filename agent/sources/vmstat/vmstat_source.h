// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "absl/status/statusor.h"
#include "agent/source.h"

namespace hostmon::agent {

// node_exporter's --collector.vmstat.fields default.
inline constexpr char kVmstatDefaultFields[] = "^(oom_kill|pgpg|pswp|pg.*fault).*";

// node_vmstat_<field> (untyped) from /proc/vmstat for the fields whose name matches the
// "fields" option (RE2, unanchored like Go's MatchString; "" means the default), as
// node_exporter's vmstat collector. InvalidArgument if the regex does not compile.
absl::StatusOr<SourcePtr> MakeVmstatSource(const SourceContext& ctx);

}  // namespace hostmon::agent
