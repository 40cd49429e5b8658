// SPDX-License-Identifier: Apache-2.0
//
// Shared by the libFuzzer targets in tests/fuzz (docs/testing.md, "Fuzzing"): how a target writes
// its seed corpus from the repository's fixtures, how a table-driven target picks a parser, and
// how outputs are read back so that AddressSanitizer sees a view into freed or foreign memory.
//
// Seeds: run a target with HOSTMON_FUZZ_SOURCE=<checkout> HOSTMON_FUZZ_SEED_DIR=<dir> and it
// writes one file per seed into <dir> and exits (scripts/fuzz does this before each run). The
// seed list lives next to the parser table it feeds, so a new parser gets its seeds in one place.
#pragma once

#include <glob.h>
#include <sys/stat.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "common/log.h"

namespace hostmon::fuzz {

// Seeds for one parser of a target: `prefix` (the selector byte of a table-driven target, "" for
// a single-parser target) followed by the content of every regular file matching `patterns`
// (glob(3) patterns relative to the checkout; a matching directory stands for every file below
// it). With `name_line`, the file's base name and '\n' come between prefix and content, for
// parsers that take a file name and its content (see SplitNameLine). `literals` are added as is.
struct SeedSpec {
  std::string prefix;
  std::vector<std::string> patterns;
  bool name_line = false;
  std::vector<std::string> literals = {};
};

// Larger fixture files make slow seeds and add no coverage.
inline constexpr uintmax_t kMaxSeedBytes = 256 * 1024;

inline std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Writes the seeds and exits when HOSTMON_FUZZ_SEED_DIR is set; otherwise does nothing. Call from
// LLVMFuzzerInitialize.
inline void WriteSeedsIfAsked(const std::vector<SeedSpec>& specs) {
  const char* out_dir = std::getenv("HOSTMON_FUZZ_SEED_DIR");
  const char* source = std::getenv("HOSTMON_FUZZ_SOURCE");
  if (out_dir == nullptr) return;
  if (source == nullptr) {
    std::fprintf(stderr, "HOSTMON_FUZZ_SEED_DIR needs HOSTMON_FUZZ_SOURCE (the checkout)\n");
    std::exit(2);
  }
  namespace fs = std::filesystem;
  fs::create_directories(out_dir);
  size_t n = 0;
  auto emit = [&](const std::string& content) {
    const std::string name = std::string(out_dir) + "/seed-" + std::to_string(n++);
    std::ofstream(name, std::ios::binary) << content;
  };
  auto add_file = [&](const SeedSpec& spec, const fs::path& p) {
    std::error_code ec;
    if (!fs::is_regular_file(p, ec) || fs::file_size(p, ec) > kMaxSeedBytes) return;
    std::string content = spec.prefix;
    if (spec.name_line) content += p.filename().string() + "\n";
    content += ReadWholeFile(p.string());
    emit(content);
  };
  for (const SeedSpec& spec : specs) {
    for (const std::string& literal : spec.literals) emit(spec.prefix + literal);
    for (const std::string& pattern : spec.patterns) {
      glob_t g{};
      const std::string full = std::string(source) + "/" + pattern;
      if (glob(full.c_str(), GLOB_BRACE, nullptr, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc; ++i) {
          const fs::path p(g.gl_pathv[i]);
          std::error_code ec;
          if (fs::is_directory(p, ec)) {
            for (const auto& e : fs::recursive_directory_iterator(p, ec)) add_file(spec, e.path());
          } else {
            add_file(spec, p);
          }
        }
      }
      globfree(&g);
    }
  }
  std::printf("%zu seeds written to %s\n", n, out_dir);
  std::exit(0);
}

// What every target's LLVMFuzzerInitialize does: the seeds when asked (then exit), and only
// errors logged, because a warning per rejected input would make the log the bottleneck.
inline void Initialize(const std::vector<SeedSpec>& specs) {
  WriteSeedsIfAsked(specs);
  common::log::SetLevel(common::log::Level::kError);
}

// A table-driven target: the first input byte picks the parser (modulo the table size, so that
// every input reaches some parser), the rest is its input. Coverage stays per parser because each
// parser's code has its own edges; the seeds of parser i start with byte i.
template <typename Entry>
const Entry* PickEntry(const std::vector<Entry>& table, const uint8_t*& data, size_t& size) {
  if (size == 0 || table.empty()) return nullptr;
  const Entry* e = &table[data[0] % table.size()];
  ++data;
  --size;
  return e;
}

// Seed specs for a table: entry i's seeds get the prefix byte i.
template <typename Entry>
std::vector<SeedSpec> TableSeeds(const std::vector<Entry>& table) {
  std::vector<SeedSpec> specs;
  for (size_t i = 0; i < table.size(); ++i) {
    SeedSpec s = table[i].seeds;
    s.prefix = std::string(1, static_cast<char>(i));
    specs.push_back(std::move(s));
  }
  return specs;
}

// "name\ncontent" -> name, content (no '\n': empty name, all content).
inline void SplitNameLine(absl::string_view in, absl::string_view* name,
                          absl::string_view* content) {
  const size_t nl = in.find('\n');
  if (nl == absl::string_view::npos) {
    *name = "";
    *content = in;
    return;
  }
  *name = in.substr(0, nl);
  *content = in.substr(nl + 1);
}

// Reads every byte of `s`, so that a view into freed memory or past its buffer is reported here
// rather than going unnoticed because nothing downstream looked at it.
inline void Touch(absl::string_view s) {
  static volatile unsigned char sink = 0;
  unsigned char acc = 0;
  for (char c : s) acc = static_cast<unsigned char>(acc + static_cast<unsigned char>(c));
  sink = static_cast<unsigned char>(sink + acc);
}

}  // namespace hostmon::fuzz
