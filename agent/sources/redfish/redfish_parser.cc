// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/redfish/redfish_parser.h"

#include <cmath>
#include <exception>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace hostmon::agent::redfish {
namespace {

using Json = nlohmann::json;

// Parses `text` as one JSON object. nlohmann::json reports errors by throwing; the exception is
// caught here and turned into a status naming the resource and the byte offset.
absl::StatusOr<Json> ParseObject(absl::string_view text, absl::string_view resource) {
  Json doc;
  try {
    doc = Json::parse(text.begin(), text.end());
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(resource, ": not JSON: ", e.what()));
  }
  if (!doc.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat(resource, ": expected a JSON object, got ", doc.type_name()));
  }
  return doc;
}

// Reader of one object that records type mismatches instead of throwing.
class Obj {
 public:
  Obj(const Json& j, std::string where, std::vector<std::string>* problems)
      : j_(j), where_(std::move(where)), problems_(problems) {}

  const Json* Get(const char* key) const {
    if (!j_.is_object()) return nullptr;
    auto it = j_.find(key);
    if (it == j_.end()) return nullptr;
    return &*it;
  }

  std::string Str(const char* key) const {
    const Json* v = Get(key);
    if (v == nullptr || v->is_null()) return "";
    if (v->is_string()) return v->get<std::string>();
    if (v->is_number_integer() || v->is_number_unsigned()) return v->dump();
    Problem(key, "expected a string", *v);
    return "";
  }

  // A number; null (Redfish's "no reading") is absent without a problem, any other type is a
  // problem. Non-finite values cannot come from JSON.
  std::optional<double> Num(const char* key) const {
    const Json* v = Get(key);
    if (v == nullptr || v->is_null()) return std::nullopt;
    if (v->is_number()) return v->get<double>();
    Problem(key, "expected a number", *v);
    return std::nullopt;
  }

  std::optional<bool> Bool(const char* key) const {
    const Json* v = Get(key);
    if (v == nullptr || v->is_null()) return std::nullopt;
    if (v->is_boolean()) return v->get<bool>();
    Problem(key, "expected a boolean", *v);
    return std::nullopt;
  }

  // {"@odata.id": "..."} under key.
  std::string Link(const char* key) const {
    const Json* v = Get(key);
    if (v == nullptr || v->is_null()) return "";
    return Sub(key, *v).Str("@odata.id");
  }

  Obj Child(const char* key) const {
    const Json* v = Get(key);
    static const Json kNull;
    if (v == nullptr || v->is_null()) return Obj(kNull, "", problems_);
    if (!v->is_object()) Problem(key, "expected an object", *v);
    return Sub(key, *v);
  }

  // Array elements under key; a non-array is a problem and yields none.
  std::vector<Obj> Array(const char* key) const {
    std::vector<Obj> out;
    const Json* v = Get(key);
    if (v == nullptr || v->is_null()) return out;
    if (!v->is_array()) {
      Problem(key, "expected an array", *v);
      return out;
    }
    for (size_t i = 0; i < v->size(); ++i) {
      out.emplace_back((*v)[i], absl::StrCat(where_, ".", key, "[", i, "]"), problems_);
    }
    return out;
  }

  // Links of an array of {"@odata.id"} objects.
  std::vector<std::string> Links(const char* key) const {
    std::vector<std::string> out;
    for (const Obj& o : Array(key)) {
      std::string id = o.Str("@odata.id");
      if (id.empty()) {
        o.Problem("@odata.id", "missing link", o.j_);
      } else {
        out.push_back(std::move(id));
      }
    }
    return out;
  }

  Status ReadStatus() const {
    Obj s = Child("Status");
    return Status{s.Str("Health"), s.Str("HealthRollup"), s.Str("State")};
  }

  Excerpt ReadExcerpt(const char* key) const {
    Obj e = Child(key);
    return Excerpt{e.Num("Reading"), e.Str("DataSourceUri")};
  }

  void Problem(const char* key, absl::string_view what, const Json& got) const {
    std::string shown = got.dump();
    if (shown.size() > 40) shown = shown.substr(0, 40) + "...";
    problems_->push_back(
        absl::StrCat(where_, where_.empty() ? "" : ".", key, ": ", what, ", got ", shown));
  }

 private:
  Obj Sub(const char* key, const Json& v) const {
    return Obj(v, where_.empty() ? std::string(key) : absl::StrCat(where_, ".", key), problems_);
  }

  const Json& j_;
  std::string where_;
  std::vector<std::string>* problems_;
};

std::string FanUnits(const std::string& units) {
  if (units == "RPM") return "rpm";
  if (units == "Percent") return "percent";
  return units;
}

// The frame of every resource parser: the text as one object named `resource`, a T whose
// `problems` collect type mismatches, and `read` filling T's fields from the object.
template <typename T, typename Read>
absl::StatusOr<T> ParseResource(absl::string_view json, absl::string_view resource, Read read) {
  auto doc = ParseObject(json, resource);
  if (!doc.ok()) return doc.status();
  T out;
  Obj o(*doc, "", &out.problems);
  read(o, &out);
  return out;
}

// Id, Name and Status (Resource.v1_19_0), which most resources carry.
template <typename T>
void ReadIdentity(const Obj& o, T* out) {
  out->id = o.Str("Id");
  out->name = o.Str("Name");
  out->status = o.ReadStatus();
}

}  // namespace

std::optional<double> HealthValue(absl::string_view health) {
  if (health.empty()) return std::nullopt;
  if (health == "OK") return 0;
  if (health == "Warning") return 1;
  if (health == "Critical") return 2;
  return 3;
}

absl::StatusOr<ServiceRoot> ParseServiceRoot(absl::string_view json) {
  auto read = [](const Obj& o, ServiceRoot* out) {
    out->chassis = o.Link("Chassis");
    out->systems = o.Link("Systems");
    out->session_service = o.Link("SessionService");
    out->sessions = o.Child("Links").Link("Sessions");
  };
  return ParseResource<ServiceRoot>(json, "ServiceRoot", read);
}

absl::StatusOr<Collection> ParseCollection(absl::string_view json) {
  auto doc = ParseObject(json, "Collection");
  if (!doc.ok()) return doc.status();
  Collection out;
  Obj o(*doc, "", &out.problems);
  if (o.Get("Members") == nullptr) {
    return absl::InvalidArgumentError("Collection: no Members array");
  }
  out.members = o.Links("Members");
  return out;
}

absl::StatusOr<std::string> ParseSessionServiceSessions(absl::string_view json) {
  auto doc = ParseObject(json, "SessionService");
  if (!doc.ok()) return doc.status();
  std::vector<std::string> problems;
  std::string link = Obj(*doc, "", &problems).Link("Sessions");
  if (link.empty()) return absl::NotFoundError("SessionService: no Sessions link");
  return link;
}

absl::StatusOr<Chassis> ParseChassis(absl::string_view json) {
  auto read = [](const Obj& o, Chassis* out) {
    ReadIdentity(o, out);
    out->thermal = o.Link("Thermal");
    out->power = o.Link("Power");
    out->thermal_subsystem = o.Link("ThermalSubsystem");
    out->power_subsystem = o.Link("PowerSubsystem");
    out->sensors = o.Link("Sensors");
    out->environment_metrics = o.Link("EnvironmentMetrics");
    out->drives = o.Link("Drives");
  };
  return ParseResource<Chassis>(json, "Chassis", read);
}

absl::StatusOr<Thermal> ParseThermal(absl::string_view json) {
  auto read = [](const Obj& o, Thermal* out) {
    for (const Obj& t : o.Array("Temperatures")) {
      out->temperatures.push_back(LegacyTemperature{t.Str("MemberId"), t.Str("@odata.id"),
                                                    t.Str("Name"), t.ReadStatus(),
                                                    t.Num("ReadingCelsius")});
    }
    for (const Obj& f : o.Array("Fans")) {
      LegacyFan fan{f.Str("MemberId"), f.Str("@odata.id"), f.Str("Name"),
                    f.ReadStatus(),    f.Num("Reading"),   FanUnits(f.Str("ReadingUnits"))};
      // Thermal.v1_0 fans had FanName and no Name.
      if (fan.name.empty()) fan.name = f.Str("FanName");
      out->fans.push_back(std::move(fan));
    }
  };
  return ParseResource<Thermal>(json, "Thermal", read);
}

absl::StatusOr<Power> ParsePower(absl::string_view json) {
  auto read = [](const Obj& o, Power* out) {
    for (const Obj& c : o.Array("PowerControl")) {
      Obj m = c.Child("PowerMetrics");
      out->power_control.push_back(LegacyPowerControl{
          c.Str("MemberId"), c.Str("@odata.id"), c.Str("Name"), c.Num("PowerConsumedWatts"),
          c.Num("PowerCapacityWatts"), m.Num("MinConsumedWatts"), m.Num("MaxConsumedWatts"),
          m.Num("AverageConsumedWatts"), m.Num("IntervalInMin")});
    }
    for (const Obj& v : o.Array("Voltages")) {
      out->voltages.push_back(LegacyVoltage{v.Str("MemberId"), v.Str("@odata.id"), v.Str("Name"),
                                            v.ReadStatus(), v.Num("ReadingVolts")});
    }
    for (const Obj& p : o.Array("PowerSupplies")) {
      PowerSupply ps;
      ps.id = p.Str("MemberId");
      ps.uri = p.Str("@odata.id");
      ps.name = p.Str("Name");
      ps.status = p.ReadStatus();
      ps.input_watts = p.Num("PowerInputWatts");
      ps.output_watts = p.Num("PowerOutputWatts");
      if (!ps.output_watts) ps.output_watts = p.Num("LastPowerOutputWatts");
      ps.capacity_watts = p.Num("PowerCapacityWatts");
      ps.input_voltage = p.Num("LineInputVoltage");
      ps.efficiency_percent = p.Num("EfficiencyPercent");
      out->power_supplies.push_back(std::move(ps));
    }
  };
  return ParseResource<Power>(json, "Power", read);
}

absl::StatusOr<Subsystem> ParseSubsystem(absl::string_view json) {
  auto read = [](const Obj& o, Subsystem* out) {
    out->status = o.ReadStatus();
    out->fans = o.Link("Fans");
    out->thermal_metrics = o.Link("ThermalMetrics");
    out->power_supplies = o.Link("PowerSupplies");
    out->capacity_watts = o.Num("CapacityWatts");
  };
  return ParseResource<Subsystem>(json, "Subsystem", read);
}

absl::StatusOr<Fan> ParseFan(absl::string_view json) {
  auto read = [](const Obj& o, Fan* out) {
    ReadIdentity(o, out);
    Obj speed = o.Child("SpeedPercent");
    out->percent = speed.Num("Reading");
    out->rpm = speed.Num("SpeedRPM");
    out->data_source_uri = speed.Str("DataSourceUri");
  };
  return ParseResource<Fan>(json, "Fan", read);
}

absl::StatusOr<ThermalMetrics> ParseThermalMetrics(absl::string_view json) {
  auto read = [](const Obj& o, ThermalMetrics* out) {
    for (const Obj& t : o.Array("TemperatureReadingsCelsius")) {
      out->temperatures.push_back(
          NamedReading{t.Str("DeviceName"), Excerpt{t.Num("Reading"), t.Str("DataSourceUri")}});
    }
  };
  return ParseResource<ThermalMetrics>(json, "ThermalMetrics", read);
}

absl::StatusOr<PowerSupply> ParsePowerSupply(absl::string_view json,
                                             std::vector<std::string>* problems) {
  auto doc = ParseObject(json, "PowerSupply");
  if (!doc.ok()) return doc.status();
  Obj o(*doc, "", problems);
  PowerSupply out;
  ReadIdentity(o, &out);
  out.capacity_watts = o.Num("PowerCapacityWatts");
  out.metrics = o.Link("Metrics");
  return out;
}

absl::StatusOr<PowerSupplyMetrics> ParsePowerSupplyMetrics(absl::string_view json) {
  auto read = [](const Obj& o, PowerSupplyMetrics* out) {
    out->input_watts = o.ReadExcerpt("InputPowerWatts");
    out->output_watts = o.ReadExcerpt("OutputPowerWatts");
    out->input_voltage = o.ReadExcerpt("InputVoltage");
  };
  return ParseResource<PowerSupplyMetrics>(json, "PowerSupplyMetrics", read);
}

absl::StatusOr<Sensor> ParseSensor(absl::string_view json) {
  auto read = [](const Obj& o, Sensor* out) {
    ReadIdentity(o, out);
    out->reading = o.Num("Reading");
    out->reading_type = o.Str("ReadingType");
    out->reading_units = o.Str("ReadingUnits");
    out->physical_context = o.Str("PhysicalContext");
  };
  return ParseResource<Sensor>(json, "Sensor", read);
}

absl::StatusOr<EnvironmentMetrics> ParseEnvironmentMetrics(absl::string_view json) {
  auto read = [](const Obj& o, EnvironmentMetrics* out) {
    out->power_watts = o.ReadExcerpt("PowerWatts");
  };
  return ParseResource<EnvironmentMetrics>(json, "EnvironmentMetrics", read);
}

absl::StatusOr<System> ParseSystem(absl::string_view json) {
  auto read = [](const Obj& o, System* out) {
    ReadIdentity(o, out);
    out->power_state = o.Str("PowerState");
    out->manufacturer = o.Str("Manufacturer");
    out->model = o.Str("Model");
    out->serial = o.Str("SerialNumber");
    out->sku = o.Str("SKU");
    out->hostname = o.Str("HostName");
    out->memory_gib = o.Child("MemorySummary").Num("TotalSystemMemoryGiB");
    Obj cpu = o.Child("ProcessorSummary");
    out->cpu_count = cpu.Num("Count");
    out->cpu_model = cpu.Str("Model");
    out->storage = o.Link("Storage");
    out->simple_storage = o.Link("SimpleStorage");
  };
  return ParseResource<System>(json, "ComputerSystem", read);
}

absl::StatusOr<SimpleStorage> ParseSimpleStorage(absl::string_view json) {
  auto read = [](const Obj& o, SimpleStorage* out) {
    ReadIdentity(o, out);
    for (const Obj& d : o.Array("Devices")) {
      out->devices.push_back(SimpleStorageDevice{d.Str("Name"), d.Str("Manufacturer"),
                                                 d.Str("Model"), d.Num("CapacityBytes"),
                                                 d.ReadStatus()});
    }
  };
  return ParseResource<SimpleStorage>(json, "SimpleStorage", read);
}

absl::StatusOr<Storage> ParseStorage(absl::string_view json) {
  auto read = [](const Obj& o, Storage* out) {
    ReadIdentity(o, out);
    out->drives = o.Links("Drives");
  };
  return ParseResource<Storage>(json, "Storage", read);
}

absl::StatusOr<Drive> ParseDrive(absl::string_view json) {
  auto read = [](const Obj& o, Drive* out) {
    ReadIdentity(o, out);
    out->media_type = o.Str("MediaType");
    out->protocol = o.Str("Protocol");
    out->manufacturer = o.Str("Manufacturer");
    out->model = o.Str("Model");
    out->serial = o.Str("SerialNumber");
    out->slot = o.Child("PhysicalLocation").Child("PartLocation").Str("LocationOrdinalValue");
    out->capacity_bytes = o.Num("CapacityBytes");
    out->life_left_percent = o.Num("PredictedMediaLifeLeftPercent");
    out->failure_predicted = o.Bool("FailurePredicted");
  };
  return ParseResource<Drive>(json, "Drive", read);
}

}  // namespace hostmon::agent::redfish
