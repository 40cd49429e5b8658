// SPDX-License-Identifier: Apache-2.0
#include "common/host_identity.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/exposition.h"

namespace hostmon::common {
namespace {

bool HasControlChars(absl::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  }
  return false;
}

// Names may be invalid (not printable): error messages show at most 200 escaped bytes.
std::string Shown(absl::string_view name) { return absl::CHexEscape(name.substr(0, 200)); }

}  // namespace

bool IsReservedLabelName(absl::string_view name) {
  if (absl::StartsWith(name, "__")) return true;
  return std::find(std::begin(kCollectorLabelNames), std::end(kCollectorLabelNames), name) !=
         std::end(kCollectorLabelNames);
}

absl::Status ValidateHostName(absl::string_view name) {
  if (name.empty() || name.size() > 253 || !IsValidUtf8(name) || HasControlChars(name)) {
    return absl::InvalidArgumentError("must be 1..253 bytes of UTF-8 without control characters");
  }
  return absl::OkStatus();
}

absl::Status ValidateStaticLabel(absl::string_view name, absl::string_view value,
                                 size_t max_value_bytes, bool allow_job) {
  if (!IsValidLabelName(name)) {
    return absl::InvalidArgumentError(
        absl::StrCat("label name \"", Shown(name), "\" is not valid"));
  }
  if (name == "instance") {
    return absl::InvalidArgumentError(
        "label \"instance\" is the host name and cannot be a static label (the agent sets it "
        "with --hostname)");
  }
  if (name == "job" && !allow_job) {
    return absl::InvalidArgumentError(
        "label \"job\" is not allowed as a static label by the collector's policy (it sets "
        "hosts.default_job; hosts.allowed_static_labels can allow it)");
  }
  if (name != "job" && IsReservedLabelName(name)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "label \"", name, "\" is reserved: the collector sets it on alerts or rule values"));
  }
  if (!IsValidUtf8(value)) {
    return absl::InvalidArgumentError(absl::StrCat("label \"", name, "\": value is not UTF-8"));
  }
  if (value.size() > max_value_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("label \"", name, "\": value is longer than ", max_value_bytes, " bytes"));
  }
  return absl::OkStatus();
}

absl::Status ValidateSeriesLabels(absl::Span<const LabelView> labels,
                                  absl::Span<const std::string> host_label_names,
                                  size_t max_value_bytes, size_t* failed) {
  for (size_t i = 0; i < labels.size(); ++i) {
    if (failed != nullptr) *failed = i;
    const LabelView& l = labels[i];
    if (!IsValidLabelName(l.name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("label name \"", Shown(l.name), "\" is not valid"));
    }
    if (IsReservedLabelName(l.name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("label \"", l.name, "\" is reserved: the collector sets it"));
    }
    if (std::find(host_label_names.begin(), host_label_names.end(), l.name) !=
        host_label_names.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "label \"", l.name, "\" is a static label of the host and cannot be a series label"));
    }
    if (!IsValidUtf8(l.value)) {
      return absl::InvalidArgumentError(absl::StrCat("label \"", l.name, "\": value is not UTF-8"));
    }
    if (l.value.size() > max_value_bytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("label \"", l.name, "\": value is longer than ", max_value_bytes, " bytes"));
    }
    if (i > 0 && labels[i - 1].name == l.name) {
      return absl::InvalidArgumentError(absl::StrCat("duplicate label \"", l.name, "\""));
    }
    if (i > 0 && labels[i - 1].name > l.name) {
      return absl::InvalidArgumentError(absl::StrCat("labels are not sorted by name (\"", l.name,
                                                     "\" after \"", labels[i - 1].name, "\")"));
    }
  }
  return absl::OkStatus();
}

std::string SeriesText(absl::string_view name, absl::Span<const LabelView> labels) {
  std::string out = absl::CHexEscape(name.substr(0, 200));
  out.push_back('{');
  for (size_t i = 0; i < labels.size() && i < 16; ++i) {
    if (i > 0) out.push_back(',');
    absl::StrAppend(&out, absl::CHexEscape(labels[i].name.substr(0, 64)), "=\"",
                    absl::CHexEscape(labels[i].value.substr(0, 64)), "\"");
  }
  if (labels.size() > 16) out.append(",...");
  out.push_back('}');
  return out;
}

}  // namespace hostmon::common
