// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <functional>
#include <string>

#include "absl/time/time.h"
#include "agent/source.h"
#include "common/clock.h"

namespace hostmon::agent {

// The local time zone in effect at `t`: its abbreviation (e.g. "CET") into *name and its offset
// east of UTC in seconds. Injectable so that tests do not depend on the host's TZ.
using TimeZoneFunction = std::function<void(absl::Time t, std::string* name, int* offset)>;

// node_time_seconds, node_time_zone_offset_seconds{time_zone} and
// node_time_clocksource_{available,current}_info{clocksource,device} from
// /sys/devices/system/clocksource, as node_exporter's time collector.
absl::StatusOr<SourcePtr> MakeTimeSource(const SourceContext& ctx);
absl::StatusOr<SourcePtr> MakeTimeSourceWith(const SourceContext& ctx, const common::Clock* clock,
                                             TimeZoneFunction zone);

}  // namespace hostmon::agent
