// SPDX-License-Identifier: Apache-2.0
//
// Reading one BMC: the seam between the IPMI source (scheduling, deadlines, metrics) and FreeIPMI
// (libipmimonitoring for sensors, libfreeipmi for raw commands; in process, no forked tools).
// Tests replace it with a fake.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "agent/sources/ipmi/ipmi_bmc_metrics.h"
#include "agent/sources/ipmi/ipmi_config.h"
#include "agent/sources/ipmi/ipmi_sensors.h"

namespace hostmon::agent::ipmi {

// Which BMC a reader talks to.
struct ReaderSpec {
  // Remote BMC over LAN 2.0; null for the local BMC (in-band).
  const IpmiTarget* target = nullptr;
  // In-band driver: "auto" (the kernel's ipmi_devintf device, /dev/ipmi0), "openipmi", "kcs",
  // "ssif".
  std::string driver = "auto";
  std::string device;         // in-band device path; empty: the driver's default
  std::string sdr_cache_dir;  // created (0700) when missing; one cache file per BMC host
};

class IpmiReader {
 public:
  virtual ~IpmiReader() = default;
  // Reads every sensor of the SDR. NotFound when there is no local BMC; Unavailable on timeouts
  // (bounded by the target's timeout as the IPMI session timeout); PermissionDenied for
  // credential and privilege errors. Called by one thread at a time.
  virtual absl::Status ReadSensors(std::vector<SensorReading>* out) = 0;
  // Runs the raw commands of the requested collectors (chassis, sel, dcmi; `which.sensors` is
  // ignored) in one IPMI session; each collector's status is set separately.
  virtual void ReadCommands(const Collectors& which, BmcCommands* out) = 0;
};

using IpmiReaderFactory = std::function<std::unique_ptr<IpmiReader>(const ReaderSpec&)>;

// The FreeIPMI reader: sensors through libipmimonitoring, raw commands through libfreeipmi. Owns
// one context of each (contexts are not shared between threads); it copies `spec.target`. The
// first reader loads both libraries (dlopen, once per process); when one is missing every read
// fails with FailedPrecondition naming the library and the Debian package to install.
std::unique_ptr<IpmiReader> MakeLibIpmiReader(const ReaderSpec& spec);

// Paths where the kernel's IPMI device interface appears (ipmi_devintf), in FreeIPMI's order.
const std::vector<std::string>& InbandDevicePaths();

}  // namespace hostmon::agent::ipmi
