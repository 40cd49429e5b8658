// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/netstat/netstat_parser.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

// "Tcp:" -> "Tcp"; empty when the field is not a protocol prefix.
absl::string_view Protocol(absl::string_view field) {
  if (field.size() < 2 || field.back() != ':') return {};
  return field.substr(0, field.size() - 1);
}

}  // namespace

absl::Status ParseNetstatPairs(absl::string_view text, absl::string_view file,
                               std::vector<NetstatValue>* out) {
  // TcpExt lines have over a hundred fields, more than common::Fields holds inline, so the
  // fields are walked with lazy splitters instead: a scrape allocates nothing.
  absl::string_view names_line;
  absl::string_view values_line;
  size_t line_no = 0;
  while (common::NextLine(&text, &names_line)) {
    ++line_no;
    auto names = absl::StrSplit(names_line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    auto name = names.begin();
    if (name == names.end()) continue;
    const absl::string_view protocol = Protocol(*name);
    if (protocol.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(file, " line ", line_no, ": expected \"<Proto>:\", got \"", *name, "\""));
    }
    if (!common::NextLine(&text, &values_line)) {
      return absl::InvalidArgumentError(
          absl::StrCat(file, " line ", line_no, " (", protocol, "): values line missing"));
    }
    ++line_no;
    auto values = absl::StrSplit(values_line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    auto value = values.begin();
    if (value == values.end() || Protocol(*value) != protocol) {
      return absl::InvalidArgumentError(
          absl::StrCat(file, " line ", line_no, ": expected values for \"", protocol, ":\""));
    }
    size_t name_count = 0;
    size_t value_count = 0;
    for (++name, ++value; name != names.end() && value != values.end(); ++name, ++value) {
      ++name_count;
      ++value_count;
      NetstatValue& v = out->emplace_back();
      v.protocol = protocol;
      v.field = *name;
      absl::Status status = common::ParseDouble(*value, *name, &v.value);
      if (!status.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat(file, " line ", line_no, " (", protocol, "): ", status.message()));
      }
    }
    if (name != names.end() || value != values.end()) {
      for (; name != names.end(); ++name) ++name_count;
      for (; value != values.end(); ++value) ++value_count;
      return absl::InvalidArgumentError(absl::StrCat(file, " line ", line_no, " (", protocol,
                                                     "): ", name_count, " names but ", value_count,
                                                     " values"));
    }
  }
  return absl::OkStatus();
}

absl::Status ParseSnmp6(absl::string_view text, std::vector<NetstatValue>* out) {
  constexpr absl::string_view kFile = "/proc/net/snmp6";
  common::Fields fields;
  absl::string_view line;
  size_t line_no = 0;
  while (common::NextLine(&text, &line)) {
    ++line_no;
    common::SplitFields(line, &fields);
    if (fields.empty()) continue;
    if (fields.size() != 2) {
      return absl::InvalidArgumentError(
          absl::StrCat(kFile, " line ", line_no, ": expected 2 columns, got ", fields.size()));
    }
    const size_t six = fields[0].find('6');
    if (six == absl::string_view::npos) continue;
    NetstatValue& v = out->emplace_back();
    v.protocol = fields[0].substr(0, six + 1);
    v.field = fields[0].substr(six + 1);
    absl::Status status = common::ParseDouble(fields[1], fields[0], &v.value);
    if (!status.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(kFile, " line ", line_no, ": ", status.message()));
    }
  }
  return absl::OkStatus();
}

}  // namespace hostmon::agent
