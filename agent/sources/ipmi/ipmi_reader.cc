// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/ipmi/ipmi_reader.h"

#include <freeipmi/freeipmi.h>
#include <ipmi_monitoring.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "common/dynamic_library.h"

namespace hostmon::agent::ipmi {
namespace {

// ipmi_sensors.h mirrors these codes so the metric conversion builds without the library.
static_assert(kStateNominal == IPMI_MONITORING_STATE_NOMINAL);
static_assert(kStateWarning == IPMI_MONITORING_STATE_WARNING);
static_assert(kStateCritical == IPMI_MONITORING_STATE_CRITICAL);
static_assert(kStateUnknown == IPMI_MONITORING_STATE_UNKNOWN);
static_assert(kUnitsCelsius == IPMI_MONITORING_SENSOR_UNITS_CELSIUS);
static_assert(kUnitsFahrenheit == IPMI_MONITORING_SENSOR_UNITS_FAHRENHEIT);
static_assert(kUnitsVolts == IPMI_MONITORING_SENSOR_UNITS_VOLTS);
static_assert(kUnitsAmps == IPMI_MONITORING_SENSOR_UNITS_AMPS);
static_assert(kUnitsRpm == IPMI_MONITORING_SENSOR_UNITS_RPM);
static_assert(kUnitsWatts == IPMI_MONITORING_SENSOR_UNITS_WATTS);
static_assert(kUnitsPercent == IPMI_MONITORING_SENSOR_UNITS_PERCENT);
static_assert(kUnitsUnknown == IPMI_MONITORING_SENSOR_UNITS_UNKNOWN);
static_assert(kSensorTypeTemperature == IPMI_MONITORING_SENSOR_TYPE_TEMPERATURE);
static_assert(kSensorTypeFan == IPMI_MONITORING_SENSOR_TYPE_FAN);
static_assert(kSensorTypeUnknown == IPMI_MONITORING_SENSOR_TYPE_UNKNOWN);
static_assert(kPrivilegeUser == IPMI_MONITORING_PRIVILEGE_LEVEL_USER);
static_assert(kPrivilegeOperator == IPMI_MONITORING_PRIVILEGE_LEVEL_OPERATOR);
static_assert(kPrivilegeAdmin == IPMI_MONITORING_PRIVILEGE_LEVEL_ADMIN);
// The targets file's workaround bits are passed to both libraries.
static_assert(IPMI_MONITORING_WORKAROUND_FLAGS_PROTOCOL_VERSION_2_0_AUTHENTICATION_CAPABILITIES ==
              IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_AUTHENTICATION_CAPABILITIES);
static_assert(IPMI_MONITORING_WORKAROUND_FLAGS_PROTOCOL_VERSION_2_0_OPEN_SESSION_PRIVILEGE ==
              IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_OPEN_SESSION_PRIVILEGE);
static_assert(IPMI_MONITORING_WORKAROUND_FLAGS_PROTOCOL_VERSION_2_0_NO_CHECKSUM_CHECK ==
              IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_NO_CHECKSUM_CHECK);

// FreeIPMI is loaded with dlopen when the ipmi source is created, not linked: linked, libfreeipmi
// (2.2 MB) and the libraries it pulls in were mapped by every agent, raising the default agent's
// RSS by several MB although the source is off by default. The headers supply types and
// constants only; every function and FIID template the reader uses is resolved here.
#define HM_IPMIMONITORING_SYMBOLS(X)                 \
  X(ipmi_monitoring_init)                            \
  X(ipmi_monitoring_ctx_strerror)                    \
  X(ipmi_monitoring_ctx_create)                      \
  X(ipmi_monitoring_ctx_destroy)                     \
  X(ipmi_monitoring_ctx_errnum)                      \
  X(ipmi_monitoring_ctx_errormsg)                    \
  X(ipmi_monitoring_ctx_sdr_cache_directory)         \
  X(ipmi_monitoring_sensor_readings_by_record_id)    \
  X(ipmi_monitoring_sensor_read_record_id)           \
  X(ipmi_monitoring_sensor_read_sensor_name)         \
  X(ipmi_monitoring_sensor_read_sensor_type)         \
  X(ipmi_monitoring_sensor_read_sensor_state)        \
  X(ipmi_monitoring_sensor_read_sensor_units)        \
  X(ipmi_monitoring_sensor_read_sensor_reading_type) \
  X(ipmi_monitoring_sensor_read_sensor_reading)      \
  X(ipmi_monitoring_sensor_iterator_next)            \
  X(ipmi_monitoring_sensor_iterator_destroy)
#define HM_FREEIPMI_SYMBOLS(X)           \
  X(ipmi_ctx_create)                     \
  X(ipmi_ctx_open_outofband_2_0)         \
  X(ipmi_ctx_open_inband)                \
  X(ipmi_ctx_close)                      \
  X(ipmi_ctx_destroy)                    \
  X(ipmi_ctx_errnum)                     \
  X(ipmi_ctx_errormsg)                   \
  X(fiid_obj_create)                     \
  X(fiid_obj_destroy)                    \
  X(fiid_obj_get)                        \
  X(ipmi_cmd_get_chassis_status)         \
  X(ipmi_cmd_get_sel_info)               \
  X(ipmi_cmd_get_device_id)              \
  X(ipmi_cmd_dcmi_get_power_reading)     \
  X(ipmi_iana_enterprise_numbers_string) \
  X(tmpl_cmd_get_chassis_status_rs)      \
  X(tmpl_cmd_get_sel_info_rs)            \
  X(tmpl_cmd_get_device_id_rs)           \
  X(tmpl_cmd_dcmi_get_power_reading_rs)

// Members are named like the library's symbols so that calls read as in FreeIPMI's manuals.
struct FreeIpmi {
#define HM_MEMBER(name) decltype(&::name) name = nullptr;
  HM_IPMIMONITORING_SYMBOLS(HM_MEMBER)
  HM_FREEIPMI_SYMBOLS(HM_MEMBER)
#undef HM_MEMBER
  absl::Status status;
};

const FreeIpmi& Lib() {
  static const FreeIpmi* lib = [] {
    auto* f = new FreeIpmi;
#define HM_SYMBOL(name) common::DynamicSymbol(#name, &f->name),
    f->status =
        common::LoadDynamicLibrary("ipmi source", "libipmimonitoring.so.6", "libipmimonitoring6",
                                   {HM_IPMIMONITORING_SYMBOLS(HM_SYMBOL)});
    if (f->status.ok()) {
      f->status = common::LoadDynamicLibrary("ipmi source", "libfreeipmi.so.17", "libfreeipmi17",
                                             {HM_FREEIPMI_SYMBOLS(HM_SYMBOL)});
    }
#undef HM_SYMBOL
    return f;
  }();
  return *lib;
}

// libfreeipmi's privilege levels are the IPMI spec's codes, not libipmimonitoring's.
uint8_t SpecPrivilege(int privilege) {
  switch (privilege) {
    case kPrivilegeOperator:
      return IPMI_PRIVILEGE_LEVEL_OPERATOR;
    case kPrivilegeAdmin:
      return IPMI_PRIVILEGE_LEVEL_ADMIN;
    default:
      return IPMI_PRIVILEGE_LEVEL_USER;
  }
}

// libfreeipmi's error as a status classified like LibError below.
absl::Status RawError(ipmi_ctx_t ctx, absl::string_view what) {
  const int errnum = Lib().ipmi_ctx_errnum(ctx);
  const std::string msg = absl::StrCat(what, ": ", Lib().ipmi_ctx_errormsg(ctx));
  switch (errnum) {
    case IPMI_ERR_SESSION_TIMEOUT:
    case IPMI_ERR_CONNECTION_TIMEOUT:
    case IPMI_ERR_BMC_BUSY:
      return absl::UnavailableError(msg);
    case IPMI_ERR_USERNAME_INVALID:
    case IPMI_ERR_PASSWORD_INVALID:
    case IPMI_ERR_K_G_INVALID:
    case IPMI_ERR_PRIVILEGE_LEVEL_INSUFFICIENT:
    case IPMI_ERR_PRIVILEGE_LEVEL_CANNOT_BE_OBTAINED:
    case IPMI_ERR_AUTHENTICATION_TYPE_UNAVAILABLE:
    case IPMI_ERR_CIPHER_SUITE_ID_UNAVAILABLE:
    case IPMI_ERR_PERMISSION:
      return absl::PermissionDeniedError(msg);
    case IPMI_ERR_DEVICE_NOT_SUPPORTED:
    case IPMI_ERR_COMMAND_INVALID_OR_UNSUPPORTED:
      return absl::UnimplementedError(msg);
    default:
      return absl::InternalError(msg);
  }
}

// A FIID object for one command response, destroyed with the scope.
class Fiid {
 public:
  explicit Fiid(fiid_template_t tmpl) : obj_(Lib().fiid_obj_create(tmpl)) {}
  ~Fiid() {
    if (obj_ != nullptr) Lib().fiid_obj_destroy(obj_);
  }
  Fiid(const Fiid&) = delete;
  Fiid& operator=(const Fiid&) = delete;
  fiid_obj_t get() const { return obj_; }
  bool ok() const { return obj_ != nullptr; }
  // A field's value; false when the BMC's answer lacks it.
  bool Get(const char* field, uint64_t* value) const {
    return Lib().fiid_obj_get(obj_, field, value) == 1;
  }

 private:
  fiid_obj_t obj_;
};

// ipmi_monitoring_init must run once before any thread uses the library.
absl::Status InitLibrary() {
  static std::once_flag once;
  static int errnum = 0;
  static int rc = 0;
  std::call_once(once, [] { rc = Lib().ipmi_monitoring_init(0, &errnum); });
  if (rc < 0) {
    return absl::InternalError(
        absl::StrCat("ipmi_monitoring_init: ", Lib().ipmi_monitoring_ctx_strerror(errnum)));
  }
  return absl::OkStatus();
}

absl::Status MakeDirs(const std::string& dir) {
  for (size_t pos = 1; pos <= dir.size(); ++pos) {
    if (pos != dir.size() && dir[pos] != '/') continue;
    const std::string prefix = dir.substr(0, pos);
    if (::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) {
      return absl::PermissionDeniedError(
          absl::StrCat("cannot create SDR cache directory ", prefix, ": ", std::strerror(errno)));
    }
  }
  return absl::OkStatus();
}

bool Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

// The library's error as a status whose code tells the source what kind of failure it was.
absl::Status LibError(ipmi_monitoring_ctx_t ctx, absl::string_view what) {
  const int errnum = Lib().ipmi_monitoring_ctx_errnum(ctx);
  const std::string msg = absl::StrCat(what, ": ", Lib().ipmi_monitoring_ctx_errormsg(ctx));
  switch (errnum) {
    case IPMI_MONITORING_ERR_CONNECTION_TIMEOUT:
    case IPMI_MONITORING_ERR_SESSION_TIMEOUT:
    case IPMI_MONITORING_ERR_PASSWORD_VERIFICATION_TIMEOUT:
    case IPMI_MONITORING_ERR_BMC_BUSY:
      return absl::UnavailableError(msg);
    case IPMI_MONITORING_ERR_PERMISSION:
    case IPMI_MONITORING_ERR_USERNAME_INVALID:
    case IPMI_MONITORING_ERR_PASSWORD_INVALID:
    case IPMI_MONITORING_ERR_K_G_INVALID:
    case IPMI_MONITORING_ERR_PRIVILEGE_LEVEL_INSUFFICIENT:
    case IPMI_MONITORING_ERR_PRIVILEGEL_LEVEL_CANNOT_BE_OBTAINED:
    case IPMI_MONITORING_ERR_AUTHENTICATION_TYPE_UNAVAILABLE:
    case IPMI_MONITORING_ERR_CIPHER_SUITE_ID_UNAVAILABLE:
    case IPMI_MONITORING_ERR_SDR_CACHE_PERMISSION:
      return absl::PermissionDeniedError(msg);
    case IPMI_MONITORING_ERR_HOSTNAME_INVALID:
      return absl::InvalidArgumentError(msg);
    default:
      return absl::InternalError(msg);
  }
}

class LibIpmiReader : public IpmiReader {
 public:
  explicit LibIpmiReader(const ReaderSpec& spec) : spec_(spec) {
    // Own copy: a worker stuck in the library may outlive the source and its targets.
    if (spec.target != nullptr) {
      target_ = *spec.target;
      spec_.target = &target_;
    }
    init_ = Lib().status;
    if (init_.ok()) init_ = InitLibrary();
    if (!init_.ok()) return;
    ctx_ = Lib().ipmi_monitoring_ctx_create();
    if (ctx_ == nullptr) init_ = absl::ResourceExhaustedError("ipmi_monitoring_ctx_create failed");
    std::memset(&config_, 0, sizeof(config_));
    if (spec_.target != nullptr) {
      const IpmiTarget& t = *spec_.target;
      // libipmimonitoring takes the port as part of the host name, as FreeIPMI's -h does.
      host_ = t.port == 623 ? t.host : absl::StrCat(t.host, ":", t.port);
      config_.driver_type = -1;
      config_.protocol_version = IPMI_MONITORING_PROTOCOL_VERSION_2_0;
      username_ = t.username;
      password_ = t.password;
      config_.username = username_.empty() ? nullptr : username_.data();
      config_.password = password_.empty() ? nullptr : password_.data();
      if (!t.k_g.empty()) {
        kg_.assign(t.k_g.begin(), t.k_g.end());
        config_.k_g = kg_.data();
        config_.k_g_len = static_cast<unsigned int>(kg_.size());
      }
      config_.privilege_level = t.privilege;
      config_.authentication_type = -1;
      config_.cipher_suite_id = t.cipher_suite;
      // The session timeout bounds the whole read of an unresponsive BMC: the library returns
      // "connection timeout" by then, so a worker is never held much longer than the deadline.
      config_.session_timeout_len = static_cast<int>(absl::ToInt64Milliseconds(t.timeout));
      config_.retransmission_timeout_len =
          std::min(500, std::max(50, config_.session_timeout_len / 4));
      config_.workaround_flags = t.workaround_flags;
    } else {
      config_.protocol_version = -1;
      config_.privilege_level = -1;
      config_.authentication_type = -1;
      config_.cipher_suite_id = -1;
      if (spec_.driver == "kcs") {
        config_.driver_type = IPMI_MONITORING_DRIVER_TYPE_KCS;
      } else if (spec_.driver == "ssif") {
        config_.driver_type = IPMI_MONITORING_DRIVER_TYPE_SSIF;
      } else {
        config_.driver_type = IPMI_MONITORING_DRIVER_TYPE_OPENIPMI;
      }
      if (!spec_.device.empty()) {
        device_ = spec_.device;
        config_.driver_device = device_.data();
      }
    }
  }

  ~LibIpmiReader() override {
    if (ctx_ != nullptr) Lib().ipmi_monitoring_ctx_destroy(ctx_);
  }

  void ReadCommands(const Collectors& which, BmcCommands* out) override {
    *out = BmcCommands();
    absl::Status s = Prepare();
    if (s.ok()) s = OpenRaw();
    if (!s.ok()) {
      out->chassis_status = out->sel_status = out->dcmi_status = out->bmc_status = s;
      return;
    }
    if (which.chassis) out->chassis_status = ReadChassis(&out->chassis);
    if (which.sel) out->sel_status = ReadSel(&out->sel);
    if (which.dcmi) out->dcmi_status = ReadDcmi(&out->dcmi);
    if (which.bmc) out->bmc_status = ReadDeviceId(&out->bmc);
    // One session per round: a BMC has few session slots, and an idle session would only time
    // out on the BMC's side.
    Lib().ipmi_ctx_close(raw_);
    Lib().ipmi_ctx_destroy(raw_);
    raw_ = nullptr;
  }

  absl::Status ReadSensors(std::vector<SensorReading>* out) override {
    out->clear();
    if (absl::Status s = Prepare(); !s.ok()) return s;
    const int n = Lib().ipmi_monitoring_sensor_readings_by_record_id(ctx_, Host(), &config_, 0,
                                                                     nullptr, 0, nullptr, nullptr);
    if (n < 0) return LibError(ctx_, "reading sensors");
    out->reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      SensorReading r;
      r.record_id = Lib().ipmi_monitoring_sensor_read_record_id(ctx_);
      const char* name = Lib().ipmi_monitoring_sensor_read_sensor_name(ctx_);
      if (name != nullptr) r.name = name;
      r.sensor_type = Lib().ipmi_monitoring_sensor_read_sensor_type(ctx_);
      r.state = Lib().ipmi_monitoring_sensor_read_sensor_state(ctx_);
      r.units = Lib().ipmi_monitoring_sensor_read_sensor_units(ctx_);
      const int reading_type = Lib().ipmi_monitoring_sensor_read_sensor_reading_type(ctx_);
      const void* reading = Lib().ipmi_monitoring_sensor_read_sensor_reading(ctx_);
      if (reading != nullptr) {
        switch (reading_type) {
          case IPMI_MONITORING_SENSOR_READING_TYPE_UNSIGNED_INTEGER8_BOOL:
            r.value = *static_cast<const uint8_t*>(reading);
            break;
          case IPMI_MONITORING_SENSOR_READING_TYPE_UNSIGNED_INTEGER32:
            r.value = *static_cast<const uint32_t*>(reading);
            break;
          case IPMI_MONITORING_SENSOR_READING_TYPE_DOUBLE:
            r.value = *static_cast<const double*>(reading);
            break;
          default:
            break;  // no numeric reading: NaN, as ipmi_exporter's "N/A"
        }
      }
      out->push_back(std::move(r));
      if (Lib().ipmi_monitoring_sensor_iterator_next(ctx_) < 0) break;
    }
    Lib().ipmi_monitoring_sensor_iterator_destroy(ctx_);
    return absl::OkStatus();
  }

 private:
  absl::Status OpenRaw() {
    raw_ = Lib().ipmi_ctx_create();
    if (raw_ == nullptr) return absl::ResourceExhaustedError("ipmi_ctx_create failed");
    int rc;
    if (spec_.target != nullptr) {
      const IpmiTarget& t = *spec_.target;
      rc = Lib().ipmi_ctx_open_outofband_2_0(
          raw_, host_.c_str(), username_.empty() ? nullptr : username_.c_str(),
          password_.empty() ? nullptr : password_.c_str(), kg_.empty() ? nullptr : kg_.data(),
          static_cast<unsigned int>(kg_.size()), SpecPrivilege(t.privilege),
          static_cast<uint8_t>(t.cipher_suite),
          static_cast<unsigned int>(config_.session_timeout_len),
          static_cast<unsigned int>(config_.retransmission_timeout_len), t.workaround_flags, 0);
    } else {
      ipmi_driver_type_t driver = IPMI_DEVICE_OPENIPMI;
      if (spec_.driver == "kcs") driver = IPMI_DEVICE_KCS;
      if (spec_.driver == "ssif") driver = IPMI_DEVICE_SSIF;
      rc = Lib().ipmi_ctx_open_inband(raw_, driver, 0, 0, 0,
                                      device_.empty() ? nullptr : device_.c_str(), 0, 0);
    }
    if (rc < 0) {
      absl::Status s = RawError(raw_, "opening an IPMI session");
      Lib().ipmi_ctx_destroy(raw_);
      raw_ = nullptr;
      return s;
    }
    return absl::OkStatus();
  }

  absl::Status ReadChassis(ChassisStatus* out) {
    Fiid rs(*Lib().tmpl_cmd_get_chassis_status_rs);
    if (!rs.ok()) return absl::ResourceExhaustedError("fiid_obj_create failed");
    if (Lib().ipmi_cmd_get_chassis_status(raw_, rs.get()) < 0) {
      return RawError(raw_, "Get Chassis Status");
    }
    uint64_t on = 0, drive = 0, cooling = 0;
    if (!rs.Get("current_power_state.power_is_on", &on) ||
        !rs.Get("misc_chassis_state.drive_fault", &drive) ||
        !rs.Get("misc_chassis_state.cooling_fan_fault_detected", &cooling)) {
      return absl::DataLossError("Get Chassis Status: short answer from the BMC");
    }
    *out = ChassisStatus{on != 0, drive != 0, cooling != 0};
    return absl::OkStatus();
  }

  absl::Status ReadSel(SelInfo* out) {
    Fiid rs(*Lib().tmpl_cmd_get_sel_info_rs);
    if (!rs.ok()) return absl::ResourceExhaustedError("fiid_obj_create failed");
    if (Lib().ipmi_cmd_get_sel_info(raw_, rs.get()) < 0) return RawError(raw_, "Get SEL Info");
    uint64_t entries = 0, free_space = 0;
    if (!rs.Get("entries", &entries) || !rs.Get("free_space", &free_space)) {
      return absl::DataLossError("Get SEL Info: short answer from the BMC");
    }
    *out = SelInfo{static_cast<int>(entries), static_cast<int>(free_space)};
    return absl::OkStatus();
  }

  absl::Status ReadDeviceId(BmcInfo* out) {
    Fiid rs(*Lib().tmpl_cmd_get_device_id_rs);
    if (!rs.ok()) return absl::ResourceExhaustedError("fiid_obj_create failed");
    if (Lib().ipmi_cmd_get_device_id(raw_, rs.get()) < 0) return RawError(raw_, "Get Device ID");
    uint64_t major = 0, minor = 0, manufacturer = 0;
    if (!rs.Get("firmware_revision1.major_revision", &major) ||
        !rs.Get("firmware_revision2.minor_revision", &minor) ||
        !rs.Get("manufacturer_id.id", &manufacturer)) {
      return absl::DataLossError("Get Device ID: short answer from the BMC");
    }
    char name[256] = {};
    const int n = Lib().ipmi_iana_enterprise_numbers_string(static_cast<uint32_t>(manufacturer),
                                                            name, sizeof(name) - 1);
    out->firmware_revision =
        FormatFirmwareRevision(static_cast<unsigned>(major), static_cast<unsigned>(minor));
    out->manufacturer_id =
        FormatManufacturerId(static_cast<uint32_t>(manufacturer), n > 0 ? name : "");
    out->system_firmware_version = "N/A";
    return absl::OkStatus();
  }

  absl::Status ReadDcmi(DcmiPower* out) {
    Fiid rs(*Lib().tmpl_cmd_dcmi_get_power_reading_rs);
    if (!rs.ok()) return absl::ResourceExhaustedError("fiid_obj_create failed");
    if (Lib().ipmi_cmd_dcmi_get_power_reading(
            raw_, IPMI_DCMI_POWER_READING_MODE_SYSTEM_POWER_STATISTICS, 0, rs.get()) < 0) {
      return RawError(raw_, "DCMI Get Power Reading");
    }
    uint64_t watts = 0, active = 0;
    if (!rs.Get("current_power", &watts) ||
        !rs.Get("power_reading_state.power_measurement", &active)) {
      return absl::DataLossError("DCMI Get Power Reading: short answer from the BMC");
    }
    *out = DcmiPower{active == IPMI_DCMI_POWER_READING_STATE_POWER_MEASUREMENT_ACTIVE,
                     static_cast<double>(watts)};
    return absl::OkStatus();
  }

  const char* Host() const { return spec_.target == nullptr ? nullptr : host_.c_str(); }

  absl::Status Prepare() {
    if (!init_.ok()) return init_;
    if (spec_.target == nullptr && (spec_.driver == "auto" || spec_.driver == "openipmi")) {
      bool found = false;
      if (!spec_.device.empty()) {
        found = Exists(spec_.device);
      } else {
        for (const std::string& p : InbandDevicePaths()) {
          if (found || !Exists(p)) continue;
          found = true;
          device_ = p;  // the device may appear later (module loaded): looked up every time
          config_.driver_device = device_.data();
        }
      }
      if (!found) {
        return absl::NotFoundError(
            spec_.device.empty()
                ? "no local BMC: none of /dev/ipmi0, /dev/ipmi/0, /dev/ipmidev/0 exists (load "
                  "ipmi_si and ipmi_devintf on a server with a BMC)"
                : absl::StrCat("no local BMC: ", spec_.device, " does not exist"));
      }
    }
    if (!cache_ready_) {
      if (absl::Status s = MakeDirs(spec_.sdr_cache_dir); !s.ok()) return s;
      if (Lib().ipmi_monitoring_ctx_sdr_cache_directory(ctx_, spec_.sdr_cache_dir.c_str()) < 0) {
        return LibError(ctx_, absl::StrCat("SDR cache directory ", spec_.sdr_cache_dir));
      }
      cache_ready_ = true;
    }
    return absl::OkStatus();
  }

  ReaderSpec spec_;
  IpmiTarget target_;
  absl::Status init_;
  ipmi_monitoring_ctx_t ctx_ = nullptr;
  ipmi_monitoring_ipmi_config config_;
  // Storage the config's char pointers point into.
  std::string host_, username_, password_, device_;
  std::vector<unsigned char> kg_;
  bool cache_ready_ = false;
  ipmi_ctx_t raw_ = nullptr;  // libfreeipmi session, open only inside ReadCommands
};

}  // namespace

const std::vector<std::string>& InbandDevicePaths() {
  static const auto* paths =
      new std::vector<std::string>{"/dev/ipmi0", "/dev/ipmi/0", "/dev/ipmidev/0"};
  return *paths;
}

std::unique_ptr<IpmiReader> MakeLibIpmiReader(const ReaderSpec& spec) {
  return std::make_unique<LibIpmiReader>(spec);
}

}  // namespace hostmon::agent::ipmi
