// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/interrupts/interrupts_parser.h"

#include <cstddef>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

constexpr absl::string_view kFile = "/proc/interrupts";

absl::Status LineError(size_t line_no, absl::string_view line, absl::string_view problem) {
  return common::LineError(kFile, line_no, line, problem);
}

// Joins fields [from, end) with single spaces into *out (capacity reused).
void Join(const common::Fields& fields, size_t from, std::string* out) {
  out->clear();
  for (size_t i = from; i < fields.size(); ++i) {
    if (i > from) out->push_back(' ');
    out->append(fields[i].data(), fields[i].size());
  }
}

bool IsNumber(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

absl::Status ParseInterrupts(absl::string_view text, std::vector<InterruptLine>* out,
                             size_t* lines) {
  *lines = 0;
  absl::string_view line;
  common::Fields fields;
  if (!common::NextLine(&text, &line)) {
    return absl::InvalidArgumentError(absl::StrCat(kFile, ": input is empty"));
  }
  common::SplitFields(line, &fields);
  const size_t cpus = fields.size();  // one "CPUn" header per column
  size_t line_no = 1;
  while (common::NextLine(&text, &line)) {
    ++line_no;
    // Split at the first ':' because on arm64 the counts can follow it without a space.
    const size_t colon = line.find(':');
    if (colon == absl::string_view::npos) continue;
    common::SplitFields(line.substr(colon + 1), &fields);
    if (fields.size() < cpus + 1) continue;  // ERR, MIS: a single total, no description
    if (*lines == out->size()) out->emplace_back();
    InterruptLine& irq = (*out)[(*lines)++];
    irq.name = absl::StripLeadingAsciiWhitespace(line.substr(0, colon));
    irq.counts.resize(cpus);
    for (size_t i = 0; i < cpus; ++i) {
      absl::Status status = common::ParseUint64(fields[i], "count", &irq.counts[i]);
      if (!status.ok()) return LineError(line_no, line, status.message());
    }
    if (IsNumber(irq.name)) {
      irq.info.assign(fields[cpus].data(), fields[cpus].size());
      Join(fields, cpus + 1, &irq.devices);
    } else {
      Join(fields, cpus, &irq.info);
      irq.devices.clear();
    }
  }
  return absl::OkStatus();
}

}  // namespace hostmon::agent
