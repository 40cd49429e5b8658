// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/systemd/systemd_client.h"

#include <systemd/sd-bus.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace hostmon::agent {
namespace {

constexpr char kService[] = "org.freedesktop.systemd1";
constexpr char kManagerPath[] = "/org/freedesktop/systemd1";
constexpr char kManager[] = "org.freedesktop.systemd1.Manager";

// Frees an sd_bus_error at scope exit (it may own strings after a failed call).
class BusError {
 public:
  ~BusError() { sd_bus_error_free(&error_); }
  sd_bus_error* get() { return &error_; }
  std::string Describe(int r) const {
    if (sd_bus_error_is_set(&error_)) return absl::StrCat(error_.name, ": ", error_.message);
    return std::strerror(-r);
  }
  bool IsSet() const { return sd_bus_error_is_set(&error_); }
  bool NoSystemd() const {
    // dbus-daemon runs but systemd is not on the bus (e.g. a container with its own init).
    return sd_bus_error_has_name(&error_, SD_BUS_ERROR_SERVICE_UNKNOWN) ||
           sd_bus_error_has_name(&error_, SD_BUS_ERROR_NAME_HAS_NO_OWNER);
  }

 private:
  sd_bus_error error_ = SD_BUS_ERROR_NULL;
};

class SdBusSystemdClient : public SystemdClient {
 public:
  ~SdBusSystemdClient() override { Disconnect(); }

  absl::Status ListUnits(std::vector<UnitInfo>* out) override {
    out->clear();
    if (absl::Status s = Connect(); !s.ok()) return s;
    BusError error;
    sd_bus_message* reply = nullptr;
    int r = sd_bus_call_method(bus_, kService, kManagerPath, kManager, "ListUnits", error.get(),
                               &reply, "");
    if (r < 0) return Fail("ListUnits", r, error);
    std::unique_ptr<sd_bus_message, decltype(&sd_bus_message_unref)> owned(reply,
                                                                           sd_bus_message_unref);
    r = sd_bus_message_enter_container(reply, SD_BUS_TYPE_ARRAY, "(ssssssouso)");
    if (r < 0) return Fail("ListUnits: reading reply", r, error);
    for (;;) {
      const char *name, *description, *load, *active, *sub, *following, *path, *job_type, *job_path;
      uint32_t job_id;
      r = sd_bus_message_read(reply, "(ssssssouso)", &name, &description, &load, &active, &sub,
                              &following, &path, &job_id, &job_type, &job_path);
      if (r < 0) return Fail("ListUnits: reading reply", r, error);
      if (r == 0) break;
      out->push_back(UnitInfo{name, load, active, sub, path});
    }
    return absl::OkStatus();
  }

  absl::Status UnitType(const UnitInfo& unit, std::string* out) override {
    out->clear();
    const char* interface = nullptr;
    if (absl::EndsWith(unit.name, ".service")) {
      interface = "org.freedesktop.systemd1.Service";
    } else if (absl::EndsWith(unit.name, ".mount")) {
      interface = "org.freedesktop.systemd1.Mount";
    } else {
      return absl::OkStatus();
    }
    if (absl::Status s = Connect(); !s.ok()) return s;
    BusError error;
    char* value = nullptr;
    int r = sd_bus_get_property_string(bus_, kService, unit.object_path.c_str(), interface, "Type",
                                       error.get(), &value);
    if (r < 0) return Fail(absl::StrCat("Get ", unit.name, " Type"), r, error);
    out->assign(value);
    free(value);  // NOLINT: sd-bus hands out malloc'ed strings
    return absl::OkStatus();
  }

  absl::Status Socket(const UnitInfo& unit, SocketStats* out) override {
    if (absl::Status s = Connect(); !s.ok()) return s;
    struct {
      const char* property;
      uint32_t* value;
    } const properties[] = {
        {"NAccepted", &out->accepted},
        {"NConnections", &out->current},
        {"NRefused", &out->refused},
    };
    for (const auto& p : properties) {
      BusError error;
      int r = sd_bus_get_property_trivial(bus_, kService, unit.object_path.c_str(),
                                          "org.freedesktop.systemd1.Socket", p.property,
                                          error.get(), 'u', p.value);
      if (r < 0) return Fail(absl::StrCat("Get ", unit.name, " ", p.property), r, error);
    }
    return absl::OkStatus();
  }

  absl::Status SystemState(std::string* out) override {
    out->clear();
    if (absl::Status s = Connect(); !s.ok()) return s;
    BusError error;
    char* value = nullptr;
    int r = sd_bus_get_property_string(bus_, kService, kManagerPath, kManager, "SystemState",
                                       error.get(), &value);
    if (r < 0) return Fail("Get SystemState", r, error);
    out->assign(value);
    free(value);  // NOLINT: sd-bus hands out malloc'ed strings
    return absl::OkStatus();
  }

 private:
  absl::Status Connect() {
    if (bus_ != nullptr) return absl::OkStatus();
    int r = sd_bus_open_system_with_description(&bus_, "hostmon-agent");
    if (r < 0) {
      bus_ = nullptr;
      const std::string detail = absl::StrCat("sd_bus_open_system: ", std::strerror(-r));
      if (r == -ENOENT || r == -ECONNREFUSED || r == -ENOTDIR) {
        return absl::NotFoundError(absl::StrCat("no systemd D-Bus (", detail, ")"));
      }
      return absl::UnavailableError(detail);
    }
    return absl::OkStatus();
  }

  void Disconnect() {
    if (bus_ != nullptr) sd_bus_flush_close_unref(bus_);
    bus_ = nullptr;
  }

  // Names the failed call. A transport error (no D-Bus error reply) drops the connection so that
  // the next call reconnects; an error reply (e.g. unknown property) leaves it usable.
  absl::Status Fail(const std::string& call, int r, const BusError& error) {
    if (!error.IsSet()) Disconnect();
    const std::string detail = absl::StrCat("systemd D-Bus ", call, ": ", error.Describe(r));
    if (error.NoSystemd())
      return absl::NotFoundError(absl::StrCat("no systemd D-Bus (", detail, ")"));
    return absl::UnavailableError(detail);
  }

  sd_bus* bus_ = nullptr;
};

}  // namespace

std::unique_ptr<SystemdClient> MakeSdBusSystemdClient() {
  return std::make_unique<SdBusSystemdClient>();
}

}  // namespace hostmon::agent
