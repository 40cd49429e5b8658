// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/ipmi/ipmi_config.h"

#include <algorithm>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/exposition.h"
#include "common/fs_root.h"
#include "common/secret_file.h"
#include "common/status_macros.h"
#include "common/yaml_config.h"

namespace hostmon::agent::ipmi {
namespace {

using common::YamlConfig;

// IPMI 2.0 limits (FreeIPMI's IPMI_MAX_USER_NAME_LENGTH, IPMI_2_0_MAX_PASSWORD_LENGTH,
// IPMI_MAX_K_G_LENGTH).
constexpr size_t kMaxUsername = 16;
constexpr size_t kMaxPassword = 20;
constexpr size_t kMaxKg = 20;

// Cipher suites libipmimonitoring supports (ipmi_monitoring.h, cipher_suite_id).
constexpr int kCipherSuites[] = {0, 1, 2, 3, 6, 7, 8, 11, 12, 15, 16, 17};

// Labels the source itself writes, or that the collector owns.
constexpr absl::string_view kReservedLabels[] = {"id",     "name",     "type", "collector",
                                                 "target", "instance", "job"};

struct Workaround {
  absl::string_view name;
  unsigned int bit;
};
// FreeIPMI's -W names for LAN 2.0 and IPMI_MONITORING_WORKAROUND_FLAGS_PROTOCOL_VERSION_2_0_*.
constexpr Workaround kWorkarounds[] = {
    {"authcap", 0x01},         {"intel20", 0x02},      {"supermicro20", 0x04},
    {"sun20", 0x08},           {"opensesspriv", 0x10}, {"integritycheckvalue", 0x20},
    {"nochecksumcheck", 0x40},
};

bool DecodeHex(absl::string_view hex, std::string* out) {
  if (hex.size() % 2 != 0) return false;
  out->clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    int v = 0;
    for (size_t j = i; j < i + 2; ++j) {
      const char c = absl::ascii_tolower(hex[j]);
      if (c >= '0' && c <= '9') {
        v = v * 16 + (c - '0');
      } else if (c >= 'a' && c <= 'f') {
        v = v * 16 + (c - 'a' + 10);
      } else {
        return false;
      }
    }
    out->push_back(static_cast<char>(v));
  }
  return true;
}

class TargetParser {
 public:
  TargetParser(const YamlConfig& cfg, std::string base_file, absl::Duration default_timeout)
      : cfg_(cfg), base_file_(std::move(base_file)), default_timeout_(default_timeout) {}

  absl::Status Parse(const YAML::Node& node, const std::string& path, IpmiTarget* t) {
    if (!node.IsMap()) return Err(node, path, "expected a mapping (one target)");
    HM_RETURN_IF_ERROR(cfg_.CheckKeys(node, path,
                                      {"name", "host", "port", "username", "password_file",
                                       "k_g_file", "cipher_suite", "privilege", "workaround_flags",
                                       "timeout", "collectors", "exclude_sensor_ids", "labels"}));

    HM_RETURN_IF_ERROR(cfg_.GetString(node, "name", path, &t->name));
    if (t->name.empty()) return Err(node, path + ".name", "required (the target's label)");
    if (!common::IsValidUtf8(t->name)) return Err(node["name"], path + ".name", "invalid UTF-8");

    HM_RETURN_IF_ERROR(cfg_.GetString(node, "host", path, &t->host));
    if (t->host.empty()) return Err(node, path + ".host", "required");
    if (t->host.find_first_of(" \t/:") != std::string::npos) {
      return Err(node["host"], path + ".host",
                 "a host name or IPv4 address without port (use the port key)");
    }

    int64_t port = t->port;
    HM_RETURN_IF_ERROR(cfg_.GetInt(node, "port", path, &port));
    if (port < 1 || port > 65535) return Err(node["port"], path + ".port", "must be 1..65535");
    t->port = static_cast<int>(port);

    HM_RETURN_IF_ERROR(cfg_.GetString(node, "username", path, &t->username));
    if (t->username.size() > kMaxUsername) {
      return Err(node["username"], path + ".username",
                 absl::StrCat("longer than IPMI's ", kMaxUsername, " bytes"));
    }

    std::string password_file;
    HM_RETURN_IF_ERROR(cfg_.GetString(node, "password_file", path, &password_file));
    if (password_file.empty()) {
      return Err(node, path + ".password_file",
                 "required (a file holding the password; passwords are never written in the "
                 "config or on the command line)");
    }
    absl::StatusOr<std::string> password =
        common::ReadSecretFile(common::ResolveRelativeTo(base_file_, password_file));
    if (!password.ok()) {
      return Err(node["password_file"], path + ".password_file", password.status().message());
    }
    if (password->size() > kMaxPassword) {
      return Err(node["password_file"], path + ".password_file",
                 absl::StrCat("password longer than IPMI 2.0's ", kMaxPassword, " bytes"));
    }
    t->password = *std::move(password);

    std::string kg_file;
    HM_RETURN_IF_ERROR(cfg_.GetString(node, "k_g_file", path, &kg_file));
    if (!kg_file.empty()) {
      absl::StatusOr<std::string> kg =
          common::ReadSecretFile(common::ResolveRelativeTo(base_file_, kg_file));
      if (!kg.ok()) return Err(node["k_g_file"], path + ".k_g_file", kg.status().message());
      if (absl::StartsWithIgnoreCase(*kg, "0x")) {
        if (!DecodeHex(absl::string_view(*kg).substr(2), &t->k_g)) {
          return Err(node["k_g_file"], path + ".k_g_file", "K_g starting with 0x must be hex");
        }
      } else {
        t->k_g = *std::move(kg);
      }
      if (t->k_g.empty() || t->k_g.size() > kMaxKg) {
        return Err(node["k_g_file"], path + ".k_g_file",
                   absl::StrCat("K_g must be 1..", kMaxKg, " bytes"));
      }
    }

    int64_t suite = t->cipher_suite;
    HM_RETURN_IF_ERROR(cfg_.GetInt(node, "cipher_suite", path, &suite));
    if (std::find(std::begin(kCipherSuites), std::end(kCipherSuites), suite) ==
        std::end(kCipherSuites)) {
      return Err(node["cipher_suite"], path + ".cipher_suite",
                 absl::StrCat("unsupported cipher suite ", suite,
                              " (supported: ", absl::StrJoin(kCipherSuites, ", "), ")"));
    }
    t->cipher_suite = static_cast<int>(suite);

    std::string privilege = "user";
    HM_RETURN_IF_ERROR(cfg_.GetString(node, "privilege", path, &privilege));
    if (privilege == "user") {
      t->privilege = kPrivilegeUser;
    } else if (privilege == "operator") {
      t->privilege = kPrivilegeOperator;
    } else if (privilege == "admin") {
      t->privilege = kPrivilegeAdmin;
    } else {
      return Err(node["privilege"], path + ".privilege",
                 absl::StrCat("expected user, operator or admin, got \"", privilege, "\""));
    }

    std::vector<std::string> flags;
    HM_RETURN_IF_ERROR(cfg_.GetStringList(node, "workaround_flags", path, &flags));
    for (const std::string& f : flags) {
      unsigned int bit = 0;
      if (!WorkaroundFlag(f, &bit)) {
        std::vector<absl::string_view> names;
        for (const Workaround& w : kWorkarounds) names.push_back(w.name);
        return Err(node["workaround_flags"], path + ".workaround_flags",
                   absl::StrCat("unknown flag \"", f,
                                "\" (FreeIPMI LAN 2.0 names: ", absl::StrJoin(names, ", "), ")"));
      }
      t->workaround_flags |= bit;
    }

    t->timeout = default_timeout_;
    HM_RETURN_IF_ERROR(cfg_.GetDuration(node, "timeout", path, &t->timeout));
    if (t->timeout < kMinTargetTimeout) {
      return Err(node["timeout"], path + ".timeout", "must be at least 100ms");
    }

    std::vector<std::string> collectors = {"ipmi", "chassis"};
    HM_RETURN_IF_ERROR(cfg_.GetStringList(node, "collectors", path, &collectors));
    if (absl::Status st = ParseCollectors(collectors, &t->collectors); !st.ok()) {
      return Err(node["collectors"], path + ".collectors", st.message());
    }

    std::vector<std::string> ids;
    HM_RETURN_IF_ERROR(cfg_.GetStringList(node, "exclude_sensor_ids", path, &ids));
    for (const std::string& id : ids) {
      int64_t v = 0;
      if (!absl::SimpleAtoi(id, &v) || v < 0) {
        return Err(node["exclude_sensor_ids"], path + ".exclude_sensor_ids",
                   absl::StrCat("expected record IDs (integers), got \"", id, "\""));
      }
      t->exclude_sensor_ids.push_back(v);
    }

    std::map<std::string, std::string> labels;
    HM_RETURN_IF_ERROR(cfg_.GetStringMap(node, "labels", path, &labels));
    for (const auto& [k, v] : labels) {
      if (!common::IsValidLabelName(k) || absl::StartsWith(k, "__")) {
        return Err(node["labels"], path + ".labels",
                   absl::StrCat("invalid label name \"", k, "\""));
      }
      if (std::find(std::begin(kReservedLabels), std::end(kReservedLabels), k) !=
          std::end(kReservedLabels)) {
        return Err(node["labels"], path + ".labels",
                   absl::StrCat("label \"", k, "\" is reserved (set by the source or collector)"));
      }
      if (!common::IsValidUtf8(v)) {
        return Err(node["labels"], path + ".labels",
                   absl::StrCat("label \"", k, "\": invalid UTF-8"));
      }
      t->labels.emplace_back(k, v);
    }
    return absl::OkStatus();
  }

  absl::Status Err(const YAML::Node& node, const std::string& field, absl::string_view what) {
    return absl::InvalidArgumentError(
        absl::StrCat(cfg_.Where(node), ": field \"", field, "\": ", what));
  }

 private:
  const YamlConfig& cfg_;
  const std::string base_file_;
  const absl::Duration default_timeout_;
};

}  // namespace

absl::Status ParseCollectors(const std::vector<std::string>& names, Collectors* out) {
  Collectors c{false, false, false, false, false};
  for (const std::string& n : names) {
    if (n == "ipmi") {
      c.sensors = true;
    } else if (n == "chassis") {
      c.chassis = true;
    } else if (n == "sel") {
      c.sel = true;
    } else if (n == "dcmi") {
      c.dcmi = true;
    } else if (n == "bmc") {
      c.bmc = true;
    } else if (n == "bmc-watchdog" || n == "sel-events" || n == "sm-lan-mode") {
      return absl::InvalidArgumentError(absl::StrCat(
          "ipmi_exporter's \"", n,
          "\" collector is not implemented by hostmon (available: ipmi, chassis, sel, dcmi, bmc)"));
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown collector \"", n, "\" (available: ipmi, chassis, sel, dcmi, bmc)"));
    }
  }
  if (!c.Any()) return absl::InvalidArgumentError("must name at least one collector");
  *out = c;
  return absl::OkStatus();
}

bool WorkaroundFlag(const std::string& name, unsigned int* bit) {
  for (const Workaround& w : kWorkarounds) {
    if (w.name == name) {
      *bit = w.bit;
      return true;
    }
  }
  return false;
}

absl::StatusOr<std::vector<IpmiTarget>> ParseIpmiTargets(const std::string& text,
                                                         const std::string& name,
                                                         const std::string& base_file,
                                                         absl::Duration default_timeout) {
  HM_ASSIGN_OR_RETURN(YamlConfig cfg, YamlConfig::Parse(text, name));
  // yaml-cpp reports misuse by exception; confined to this module.
  try {
    const YAML::Node& root = cfg.root();
    HM_RETURN_IF_ERROR(cfg.CheckKeys(root, "", {"targets"}));
    std::vector<IpmiTarget> targets;
    const YAML::Node list = root["targets"];
    if (!list || list.IsNull()) return targets;
    TargetParser parser(cfg, base_file, default_timeout);
    if (!list.IsSequence()) return parser.Err(list, "targets", "expected a list of targets");
    for (size_t i = 0; i < list.size(); ++i) {
      IpmiTarget t;
      const std::string path = absl::StrCat("targets[", i, "]");
      HM_RETURN_IF_ERROR(parser.Parse(list[i], path, &t));
      for (const IpmiTarget& other : targets) {
        if (other.name == t.name) {
          return parser.Err(list[i]["name"], path + ".name",
                            absl::StrCat("duplicate target name \"", t.name, "\""));
        }
      }
      targets.push_back(std::move(t));
    }
    return targets;
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": cannot read: ", e.what()));
  }
}

absl::StatusOr<std::vector<IpmiTarget>> LoadIpmiTargets(const std::string& path,
                                                        absl::Duration default_timeout) {
  std::string text;
  absl::Status s = common::ReadFileTo(path, &text);
  if (!s.ok()) return absl::InvalidArgumentError(absl::StrCat("ipmi targets file: ", s.message()));
  return ParseIpmiTargets(text, path, path, default_timeout);
}

}  // namespace hostmon::agent::ipmi
