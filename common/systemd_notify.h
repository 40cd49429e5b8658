// SPDX-License-Identifier: Apache-2.0
//
// systemd's service notification protocol (sd_notify(3)), spoken directly: one datagram of
// "KEY=VALUE\n" lines to the AF_UNIX socket named by $NOTIFY_SOCKET (a leading '@' names an
// abstract socket). No libsystemd: the protocol is a stable, documented wire format and the
// agent must not need the library at run time. Outside systemd (no $NOTIFY_SOCKET) every call is
// a no-op, so the binaries run the same by hand, in tests and in containers.
//
// Used by the units' Type=notify (READY=1 once serving, STOPPING=1 at shutdown, STATUS= for
// `systemctl status`) and WatchdogSec= (WATCHDOG=1 from the loop that does the work, only while
// it progresses: a wedged loop stops pinging and systemd restarts the service).
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace hostmon::common {

class SystemdNotifier {
 public:
  // Disabled: every call does nothing.
  SystemdNotifier() = default;
  // `socket_path`: as in $NOTIFY_SOCKET ("" disables); `watchdog`: $WATCHDOG_USEC as a duration
  // (zero: no watchdog).
  SystemdNotifier(std::string socket_path, absl::Duration watchdog)
      : socket_(std::move(socket_path)), watchdog_(watchdog) {}

  // From $NOTIFY_SOCKET, $WATCHDOG_USEC and $WATCHDOG_PID (the watchdog is ignored when
  // WATCHDOG_PID names another process, as sd_watchdog_enabled does).
  static SystemdNotifier FromEnvironment();

  bool enabled() const { return !socket_.empty(); }
  // The watchdog timeout systemd enforces (WatchdogSec=); zero when there is none.
  absl::Duration watchdog_timeout() const { return watchdog_; }
  // How often to ping: half the timeout (sd_watchdog_enabled(3)'s advice), or
  // InfiniteDuration() without a watchdog.
  absl::Duration ping_interval() const;

  // Sends `state` ("READY=1\nSTATUS=...") as one datagram. Error: the socket is unreachable.
  absl::Status Send(absl::string_view state) const;

  // Convenience wrappers; failures are logged once at debug level (systemd may have gone away
  // during shutdown; nothing to do about it).
  void Ready(absl::string_view status) const;
  void Status(absl::string_view status) const;
  void Stopping(absl::string_view status) const;
  // RELOADING=1 (with MONOTONIC_USEC, which Type=notify-reload requires): a configuration reload
  // started; Ready() ends it.
  void Reloading(absl::string_view status) const;
  void WatchdogPing() const;

 private:
  void SendOrLog(const std::string& state) const;

  std::string socket_;
  absl::Duration watchdog_ = absl::ZeroDuration();
};

// Pings the watchdog only when a progress counter moved since the previous ping. The thread that
// does the work (the collector's rule evaluation ticker) advances the counter; the thread that
// pings (the main thread) calls PingIfProgressed periodically. A wedged worker stops the counter,
// so the pings stop and systemd restarts the service after WatchdogSec.
class ProgressWatchdog {
 public:
  explicit ProgressWatchdog(const SystemdNotifier* notifier) : notifier_(notifier) {}
  // True if `progress` differs from the value at the previous ping (the first call always pings).
  bool PingIfProgressed(uint64_t progress);

 private:
  const SystemdNotifier* const notifier_;
  bool pinged_ = false;
  uint64_t last_ = 0;
};

}  // namespace hostmon::common
