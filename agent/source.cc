// SPDX-License-Identifier: Apache-2.0
#include "agent/source.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "re2/re2.h"

namespace hostmon::agent {

absl::Duration SourceContext::WorkBudget() const {
  if (deadline == absl::InfiniteDuration()) return deadline;
  return deadline - std::min(deadline / 10, absl::Seconds(2));
}

std::shared_ptr<CycleFile> SourceContext::SharedFile(const std::string& path) const {
  if (cycle_files != nullptr) return cycle_files->File(path);
  return std::make_shared<CycleFile>(path);
}

std::string SourceContext::Option(absl::string_view name) const {
  if (options == nullptr) return "";
  auto it = options->find(std::string(name));
  return it == options->end() ? "" : it->second;
}

absl::Status SourceContext::OptionError(absl::string_view name, absl::string_view problem) const {
  return absl::InvalidArgumentError(
      absl::StrCat("source ", source, ": option \"", name, "\": ", problem));
}

absl::StatusOr<std::unique_ptr<RE2>> SourceContext::Regex(absl::string_view name) const {
  const std::string pattern = Option(name);
  if (pattern.empty()) return nullptr;
  RE2::Options re_options;
  re_options.set_log_errors(false);  // the error is returned, and logged once by the agent
  auto re = std::make_unique<RE2>(pattern, re_options);
  if (!re->ok()) {
    return OptionError(name, absl::StrCat("invalid regexp \"", pattern, "\": ", re->error()));
  }
  return re;
}

absl::StatusOr<absl::Duration> SourceContext::Duration(absl::string_view name,
                                                       absl::Duration min) const {
  const std::string text = Option(name);
  absl::Duration d;
  if (!absl::ParseDuration(text, &d) || d < min || d == absl::InfiniteDuration()) {
    return OptionError(name,
                       absl::StrCat("invalid duration \"", text, "\" (want ",
                                    min <= absl::Nanoseconds(1)
                                        ? std::string("a positive duration")
                                        : absl::StrCat("at least ", absl::FormatDuration(min)),
                                    " like \"10s\")"));
  }
  return d;
}

absl::StatusOr<int> SourceContext::Int(absl::string_view name, int min, int max) const {
  const std::string text = Option(name);
  int v = 0;
  if (!absl::SimpleAtoi(text, &v) || v < min || v > max) {
    return OptionError(
        name, absl::StrCat("invalid integer \"", text, "\" (want ", min, " to ", max, ")"));
  }
  return v;
}

absl::StatusOr<bool> SourceContext::Bool(absl::string_view name) const {
  const std::string text = Option(name);
  if (text == "true") return true;
  if (text == "false") return false;
  return OptionError(name, absl::StrCat("invalid boolean \"", text, "\" (want true or false)"));
}

std::vector<std::string> SourceContext::List(absl::string_view name) const {
  std::vector<std::string> out;
  for (absl::string_view entry : absl::StrSplit(Option(name), ',')) {
    entry = absl::StripAsciiWhitespace(entry);
    if (!entry.empty()) out.emplace_back(entry);
  }
  return out;
}

std::vector<std::string> SourceContext::Entries(absl::string_view name) const {
  std::vector<std::string> out;
  for (absl::string_view entry : absl::StrSplit(Option(name), kOptionEntrySeparator)) {
    if (!entry.empty()) out.emplace_back(entry);
  }
  return out;
}

}  // namespace hostmon::agent
