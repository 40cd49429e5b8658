// SPDX-License-Identifier: Apache-2.0
//
// Command-line flags in node_exporter's dotted style (`--path.procfs=/host/proc`,
// `--source.cpu`, `--no-source.cpu`). Abseil flags cannot express dotted names, and flags here are
// registered at run time (one per source), so this small parser owns the syntax instead.
//
// Flags write straight into caller-owned variables; the program first loads its config file into
// those variables and then parses the flags, so a flag given on the command line overrides the
// file.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace hostmon::common {

class FlagSet {
 public:
  explicit FlagSet(std::string program) : program_(std::move(program)) {}

  void String(std::string name, std::string* target, std::string help);
  // Accepts --name, --name=true|false, and --no-name.
  void Bool(std::string name, bool* target, std::string help);
  // Go-style durations: "15s", "1m30s", "500ms".
  void Duration(std::string name, absl::Duration* target, std::string help);
  // A decimal integer, parsed strictly (common::ParseInt64: no "+", spaces or trailing text).
  void Int(std::string name, int64_t* target, std::string help);
  // May be given several times; each occurrence appends.
  void StringList(std::string name, std::vector<std::string>* target, std::string help);

  // Parses argv[1..]. Errors name the offending flag. `--help` / `-h` sets help_requested().
  absl::Status Parse(int argc, const char* const* argv);

  bool help_requested() const { return help_requested_; }
  bool IsSet(absl::string_view name) const;
  std::string Usage() const;

 private:
  struct Flag {
    std::string name;
    std::string help;
    std::string default_text;
    bool is_bool = false;
    std::function<absl::Status(absl::string_view)> set;
  };
  Flag* Find(absl::string_view name);

  std::string program_;
  std::vector<Flag> flags_;
  std::vector<std::string> set_;
  bool help_requested_ = false;
};

// Finds the value of `--name=value` or `--name value` in argv without parsing anything else; used
// to locate the config file before the flags that override it are parsed.
std::string FindFlagValue(int argc, const char* const* argv, absl::string_view name);

}  // namespace hostmon::common
