// SPDX-License-Identifier: Apache-2.0
#include "common/flags.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/text_parse.h"

namespace hostmon::common {

void FlagSet::String(std::string name, std::string* target, std::string help) {
  Flag f{std::move(name), std::move(help), *target, false, nullptr};
  f.set = [target](absl::string_view v) {
    *target = std::string(v);
    return absl::OkStatus();
  };
  flags_.push_back(std::move(f));
}

void FlagSet::Bool(std::string name, bool* target, std::string help) {
  Flag f{std::move(name), std::move(help), *target ? "true" : "false", true, nullptr};
  std::string flag_name = f.name;
  f.set = [target, flag_name](absl::string_view v) {
    if (v == "true" || v == "1") {
      *target = true;
    } else if (v == "false" || v == "0") {
      *target = false;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("flag --", flag_name, ": expected true or false, got \"", v, "\""));
    }
    return absl::OkStatus();
  };
  flags_.push_back(std::move(f));
}

void FlagSet::Duration(std::string name, absl::Duration* target, std::string help) {
  Flag f{std::move(name), std::move(help), absl::FormatDuration(*target), false, nullptr};
  std::string flag_name = f.name;
  f.set = [target, flag_name](absl::string_view v) {
    absl::Duration d;
    if (!absl::ParseDuration(v, &d) || d < absl::ZeroDuration() || d == absl::InfiniteDuration()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "flag --", flag_name, ": expected a duration like 15s or 500ms, got \"", v, "\""));
    }
    *target = d;
    return absl::OkStatus();
  };
  flags_.push_back(std::move(f));
}

void FlagSet::Int(std::string name, int64_t* target, std::string help) {
  Flag f{std::move(name), std::move(help), absl::StrCat(*target), false, nullptr};
  std::string flag_name = f.name;
  f.set = [target, flag_name](absl::string_view v) {
    int64_t n = 0;
    if (!ParseInt64(v, flag_name, &n).ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("flag --", flag_name, ": expected an integer, got \"", v, "\""));
    }
    *target = n;
    return absl::OkStatus();
  };
  flags_.push_back(std::move(f));
}

void FlagSet::StringList(std::string name, std::vector<std::string>* target, std::string help) {
  Flag f{std::move(name), std::move(help), "", false, nullptr};
  // The first occurrence on the command line replaces what the config file gave.
  auto replaced = std::make_shared<bool>(false);
  f.set = [target, replaced](absl::string_view v) {
    if (!*replaced) {
      target->clear();
      *replaced = true;
    }
    target->emplace_back(v);
    return absl::OkStatus();
  };
  flags_.push_back(std::move(f));
}

FlagSet::Flag* FlagSet::Find(absl::string_view name) {
  for (Flag& f : flags_) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

absl::Status FlagSet::Parse(int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      help_requested_ = true;
      continue;
    }
    if (!absl::StartsWith(arg, "--")) {
      return absl::InvalidArgumentError(
          absl::StrCat("unexpected argument \"", arg, "\" (flags start with --; see --help)"));
    }
    arg.remove_prefix(2);
    absl::string_view name = arg;
    absl::string_view value;
    bool has_value = false;
    if (size_t eq = arg.find('='); eq != absl::string_view::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      has_value = true;
    }
    Flag* flag = Find(name);
    if (flag == nullptr && absl::StartsWith(name, "no-") && !has_value) {
      Flag* negated = Find(name.substr(3));
      if (negated != nullptr && negated->is_bool) {
        set_.emplace_back(negated->name);
        absl::Status s = negated->set("false");
        if (!s.ok()) return s;
        continue;
      }
    }
    if (flag == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name, " (see --help)"));
    }
    if (!has_value) {
      if (flag->is_bool) {
        value = "true";
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        return absl::InvalidArgumentError(absl::StrCat("flag --", name, " needs a value"));
      }
    }
    absl::Status s = flag->set(value);
    if (!s.ok()) return s;
    set_.emplace_back(flag->name);
  }
  return absl::OkStatus();
}

bool FlagSet::IsSet(absl::string_view name) const {
  return std::find(set_.begin(), set_.end(), name) != set_.end();
}

std::string FlagSet::Usage() const {
  std::string out = absl::StrCat("usage: ", program_, " [flags]\n\nflags:\n");
  for (const Flag& f : flags_) {
    absl::StrAppend(&out, "  --", f.name, f.is_bool ? "" : "=VALUE", "\n      ", f.help);
    if (!f.default_text.empty()) absl::StrAppend(&out, " (default: ", f.default_text, ")");
    out.push_back('\n');
  }
  return out;
}

std::string FindFlagValue(int argc, const char* const* argv, absl::string_view name) {
  std::string prefix = absl::StrCat("--", name);
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == prefix && i + 1 < argc) return argv[i + 1];
    if (absl::StartsWith(arg, prefix) && arg.size() > prefix.size() && arg[prefix.size()] == '=') {
      return std::string(arg.substr(prefix.size() + 1));
    }
  }
  return "";
}

}  // namespace hostmon::common
