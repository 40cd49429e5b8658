// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <sys/utsname.h>

#include <functional>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "agent/source.h"
#include "common/clock.h"

namespace hostmon::agent {

// Fills a utsname like uname(2). Injectable so that tests need not depend on the host.
using UnameFunction = std::function<absl::Status(struct utsname*)>;

// node_uname_info{sysname,release,version,machine,nodename,domainname} 1, as node_exporter's
// uname collector (which also calls uname(2) rather than reading /proc/sys/kernel). The kernel's
// names cannot change while it runs, only the host and domain names can (hostname(1)): uname(2)
// is called at the first collection and then every kUnameRefresh, so a new host name shows within
// a minute; a failed call is retried every collection.
absl::StatusOr<SourcePtr> MakeUnameSource(const SourceContext& ctx);

inline constexpr absl::Duration kUnameRefresh = absl::Minutes(1);

// The same over `uname`, with the clock that schedules the refresh (tests pass fakes; the clock is
// not owned).
absl::StatusOr<SourcePtr> MakeUnameSourceWith(
    UnameFunction uname, const common::Clock* clock = &common::RealClock::Get());

}  // namespace hostmon::agent
