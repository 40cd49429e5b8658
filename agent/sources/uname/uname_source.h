// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <sys/utsname.h>

#include <functional>

#include "absl/status/status.h"
#include "agent/source.h"

namespace hostmon::agent {

// Fills a utsname like uname(2). Injectable so that tests need not depend on the host.
using UnameFunction = std::function<absl::Status(struct utsname*)>;

// node_uname_info{sysname,release,version,machine,nodename,domainname} 1, as node_exporter's
// uname collector (which also calls uname(2) rather than reading /proc/sys/kernel).
absl::StatusOr<SourcePtr> MakeUnameSource(const SourceContext& ctx);
absl::StatusOr<SourcePtr> MakeUnameSourceWith(UnameFunction uname);

}  // namespace hostmon::agent
