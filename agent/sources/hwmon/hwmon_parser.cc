// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/hwmon/hwmon_parser.h"

#include <climits>
#include <cmath>
#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/text_parse.h"

namespace hostmon::agent {

bool ExplodeSensorFilename(absl::string_view filename, absl::string_view* type, int* num,
                           absl::string_view* property) {
  size_t i = 0;
  while (i < filename.size() && !absl::ascii_isdigit(filename[i])) ++i;
  if (i == 0) return false;
  *type = filename.substr(0, i);
  *num = 0;
  *property = "";
  if (i == filename.size()) return true;  // no digits: the greedy type took everything
  size_t j = i;
  while (j < filename.size() && absl::ascii_isdigit(filename[j])) ++j;
  uint64_t n = 0;
  if (!common::ParseUint64(filename.substr(i, j - i), "id", &n).ok() || n > INT_MAX) return false;
  *num = static_cast<int>(n);
  if (j == filename.size()) return true;
  if (filename[j] != '_' || j + 1 == filename.size()) return false;
  *property = filename.substr(j + 1);
  return true;
}

bool IsHwmonSensorType(absl::string_view type) {
  for (absl::string_view t : {"vrm", "beep_enable", "update_interval", "in", "cpu", "fan", "pwm",
                              "temp", "curr", "power", "energy", "humidity", "intrusion", "freq"}) {
    if (t == type) return true;
  }
  return false;
}

namespace {

char CleanChar(char c) {
  c = absl::ascii_tolower(c);
  return absl::ascii_isdigit(c) || (c >= 'a' && c <= 'z') || c == ':' ? c : '_';
}

// Appends cleanMetricName(name) to *out without a temporary string.
size_t AppendClean(absl::string_view name, std::string* out) {
  size_t begin = 0, end = name.size();
  while (begin < end && CleanChar(name[begin]) == '_') ++begin;
  while (end > begin && CleanChar(name[end - 1]) == '_') --end;
  for (size_t i = begin; i < end; ++i) out->push_back(CleanChar(name[i]));
  return end - begin;
}

// cleanMetricName(a) == cleanMetricName(b), without building either.
bool CleanEquals(absl::string_view a, absl::string_view b) {
  const auto trim = [](absl::string_view s) {
    while (!s.empty() && CleanChar(s.front()) == '_') s.remove_prefix(1);
    while (!s.empty() && CleanChar(s.back()) == '_') s.remove_suffix(1);
    return s;
  };
  a = trim(a);
  b = trim(b);
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (CleanChar(a[i]) != CleanChar(b[i])) return false;
  }
  return true;
}

}  // namespace

void CleanHwmonName(absl::string_view name, std::string* out) {
  out->clear();
  AppendClean(name, out);
}

bool HwmonChipFromDevicePath(absl::string_view device_path, std::string* out) {
  while (device_path.size() > 1 && device_path.back() == '/') device_path.remove_suffix(1);
  const size_t slash = device_path.rfind('/');
  const absl::string_view dev_name =
      slash == absl::string_view::npos ? device_path : device_path.substr(slash + 1);
  const absl::string_view parent =
      slash == absl::string_view::npos ? absl::string_view() : device_path.substr(0, slash);
  const size_t pslash = parent.rfind('/');
  const absl::string_view dev_type =
      pslash == absl::string_view::npos ? parent : parent.substr(pslash + 1);
  out->clear();
  if (AppendClean(dev_type, out) > 0) out->push_back('_');
  if (AppendClean(dev_name, out) > 0) return true;
  out->clear();
  return false;
}

void AssignHwmonChipLabels(HwmonChip* chips, size_t n) {
  // Quadratic, but a host has a handful of hwmon chips, and this keeps the collection free of
  // maps (no allocation in steady state).
  for (size_t i = 0; i < n; ++i) {
    HwmonChip& c = chips[i];
    size_t same_base = 0, same_name = 0;
    for (size_t j = 0; j < n; ++j) {
      if (chips[j].base != c.base) continue;
      ++same_base;
      // Compared cleaned (node_exporter compares the raw text), so that two names that clean
      // alike ("a b", "a_b") cannot give two chips one label.
      if (CleanEquals(chips[j].name_file, c.name_file)) ++same_name;
    }
    c.label.assign(c.base);
    if (same_base < 2) continue;
    c.label.push_back('_');
    if (same_name > 1 || AppendClean(c.name_file, &c.label) == 0) {
      c.label.resize(c.base.size() + 1);
      const size_t slash = c.dir.rfind('/');
      AppendClean(slash == std::string::npos ? c.dir : absl::string_view(c.dir).substr(slash + 1),
                  &c.label);
    }
  }
}

bool ParseHwmonValue(absl::string_view text, double* out) {
  while (!text.empty() && text.front() == '\n') text.remove_prefix(1);
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  // Only digits, sign, '.', exponent and the letters of inf/nan get to ParseDouble, so its
  // error Status (which allocates) is never built for ordinary garbage.
  for (char c : text) {
    if (!absl::ascii_isalnum(c) && c != '-' && c != '+' && c != '.') return false;
  }
  if (text.empty() || !absl::ascii_isdigit(text.back())) {
    // "inf"/"nan" are all Go accepts besides numbers ending in a digit.
    if (!absl::EqualsIgnoreCase(text, "inf") && !absl::EqualsIgnoreCase(text, "+inf") &&
        !absl::EqualsIgnoreCase(text, "-inf") && !absl::EqualsIgnoreCase(text, "nan")) {
      return false;
    }
    if (text.front() == '+') text.remove_prefix(1);
  }
  if (!common::ParseDouble(text, "value", out).ok()) return false;
  // Go's ParseFloat fails with ErrRange where strtod rounds to infinity ("1e999").
  return !std::isinf(*out) || !absl::ascii_isdigit(text.back());
}

void HwmonMetricFor(absl::string_view type, absl::string_view element, bool has_bare,
                    std::string* name, std::string* help, double* scale, double* divisor,
                    MetricType* metric_type) {
  name->assign("node_hwmon_");
  name->append(type.data(), type.size());
  if (element == "input") {
    if (has_bare) name->append("_input");
  } else if (!element.empty()) {
    name->push_back('_');
    AppendClean(element, name);
  }
  *scale = 1;
  *divisor = 1;
  *metric_type = kGauge;
  help->clear();
  if (element == "alarm" || element == "fault") {
    absl::StrAppend(help, "Hardware sensor ", element, " status (", type, ")");
  } else if (element == "beep") {
    name->append("_enabled");
    help->assign("Hardware monitor sensor has beeping enabled");
  } else if (type == "in" || type == "cpu") {
    name->append("_volts");
    absl::StrAppend(help, "Hardware monitor for voltage (", element, ")");
    *scale = 0.001;
  } else if (type == "temp" && element != "type") {
    name->append("_celsius");
    absl::StrAppend(help, "Hardware monitor for temperature (", element.empty() ? "input" : element,
                    ")");
    *scale = 0.001;
  } else if (type == "curr") {
    name->append("_amps");
    absl::StrAppend(help, "Hardware monitor for current (", element, ")");
    *scale = 0.001;
  } else if (type == "power" && element == "accuracy") {
    help->assign("Hardware monitor power meter accuracy, as a ratio");
    *divisor = 1e6;
  } else if (type == "power" &&
             (element == "average_interval" || element == "average_interval_min" ||
              element == "average_interval_max")) {
    name->append("_seconds");
    absl::StrAppend(help, "Hardware monitor power usage update interval (", element, ")");
    *scale = 0.001;
  } else if (type == "power") {
    name->append("_watt");
    absl::StrAppend(help, "Hardware monitor for power usage in watts (", element, ")");
    *divisor = 1e6;
  } else if (type == "energy") {
    name->append("_joule_total");
    absl::StrAppend(help, "Hardware monitor for joules used so far (", element, ")");
    *divisor = 1e6;
    *metric_type = kCounter;
  } else if (type == "humidity") {
    absl::StrAppend(help,
                    "Hardware monitor for humidity, as a ratio (multiply with 100.0 to get the "
                    "humidity as a percentage) (",
                    element, ")");
    *divisor = 1e6;
  } else if (type == "fan" &&
             (element == "input" || element == "min" || element == "max" || element == "target")) {
    name->append("_rpm");
    absl::StrAppend(help, "Hardware monitor for fan revolutions per minute (", element, ")");
  } else if (type == "freq" && element == "input") {
    name->append("_freq_mhz");
    help->assign("Hardware monitor for GPU frequency in MHz");
    *divisor = 1e6;
  } else {
    absl::StrAppend(help, "Hardware monitor ", type, " element ", element);
  }
}

}  // namespace hostmon::agent
