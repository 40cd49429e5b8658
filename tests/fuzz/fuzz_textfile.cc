// SPDX-License-Identifier: Apache-2.0
//
// libFuzzer target for the textfile collector's parser (agent/sources/textfile/textfile_parser.h):
// *.prom files are written by other programs (cron jobs, scripts), so their content is not ours.
// Every view of the result (names, help, label names and values) is read back: they point into
// the input or the parser's arena, and a view into a reallocated arena must not go unnoticed.
#include <cstddef>
#include <cstdint>

#include "agent/sources/textfile/textfile_parser.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  hostmon::fuzz::Initialize({{"", {"tests/fixtures/textfile"}}});
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using hostmon::fuzz::Touch;
  hostmon::agent::TextfileData out;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  if (!hostmon::agent::ParseTextfile("fuzz.prom", text, &out).ok()) return 0;
  for (const auto& f : out.families) {
    Touch(f.name);
    Touch(f.help);
    for (size_t i = f.union_begin; i < f.union_end && i < out.label_names.size(); ++i) {
      Touch(out.label_names[i]);
    }
  }
  for (const auto& s : out.samples) {
    Touch(s.name);
    for (size_t i = s.label_begin; i < s.label_end && i < out.labels.size(); ++i) {
      Touch(out.labels[i].name);
      Touch(out.labels[i].value);
    }
  }
  (void)out.has_timestamps();
  return 0;
}
