// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "agent/source.h"
#include "agent/sources/ipmi/ipmi_reader.h"

namespace hostmon::agent {

// Sensors (and optionally the SEL entry count) of the local BMC (in-band, /dev/ipmi0) and of any
// number of BMCs over LAN 2.0 listed in the targets file, through FreeIPMI's libipmimonitoring,
// under ipmi_exporter's metric names. A slow-tier source: BMCs are read by a bounded pool of
// worker threads, each BMC with its own deadline and at most one read in flight; a BMC that
// misses its deadline gets ipmi_up{collector} 0 and is not read again until its pending read has
// returned. Samples of remote BMCs carry target="<name>" plus the target's labels.
//
// Collect returns NotFound when there is neither a local BMC nor a target, an error naming the
// failed BMCs when any read failed (the others are still exported), OK otherwise. FreeIPMI is
// loaded with dlopen by the first reader; without it every BMC's read fails with that reason.
// InvalidArgument from the factory for a bad option or targets file (file:line:field).
absl::StatusOr<SourcePtr> MakeIpmiSource(const SourceContext& ctx);
absl::StatusOr<SourcePtr> MakeIpmiSourceWithReaders(const SourceContext& ctx,
                                                    ipmi::IpmiReaderFactory readers);

const std::vector<SourceOption>& IpmiOptions();

}  // namespace hostmon::agent
