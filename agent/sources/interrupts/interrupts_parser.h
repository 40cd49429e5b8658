// SPDX-License-Identifier: Apache-2.0
//
// Parser for /proc/interrupts, the per-CPU interrupt counts (see proc(5)). A header with one
// column per CPU, then one line per IRQ: numbered IRQs have chip ("info") and devices after the
// counts, named ones a description:
//
//              CPU0       CPU1
//    26:          0         15  IO-APIC   4-edge      ttyS0
//   LOC:     605032     598914   Local timer interrupts
//   ERR:          0
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace hostmon::agent {

struct InterruptLine {
  absl::string_view name;  // "26", "LOC"; views the input
  // node_exporter's labels: for a numbered IRQ the chip and the rest joined by single spaces
  // ("IO-APIC", "4-edge ttyS0"); for a named one the description and "". Strings whose
  // capacity is reused from one parse to the next.
  std::string info, devices;
  std::vector<uint64_t> counts;  // one per CPU column
};

// Parses /proc/interrupts into *out (entries reused: no allocation in steady state when the
// lines do not change). *lines is set to the number of valid entries. Lines with fewer fields
// than CPU columns plus one (ERR, MIS) or without ':' are skipped, as node_exporter does.
// Error, naming the line, if the file is empty or a count is not a decimal uint64.
absl::Status ParseInterrupts(absl::string_view text, std::vector<InterruptLine>* out,
                             size_t* lines);

}  // namespace hostmon::agent
