// SPDX-License-Identifier: Apache-2.0
#include "collector/alerting/template.h"

#include <cmath>
#include <cstdint>
#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "common/exposition_text.h"

namespace hostmon::collector::alerting {
namespace {

// Accepts exactly one float conversion (%f %e %g, flags, width, precision) plus %% escapes, so a
// user format can be handed to snprintf with one double safely.
bool ValidPrintfFormat(absl::string_view f) {
  int conversions = 0;
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i] != '%') continue;
    ++i;
    if (i < f.size() && f[i] == '%') continue;
    while (i < f.size() && absl::string_view("-+ #0").find(f[i]) != absl::string_view::npos) ++i;
    while (i < f.size() && absl::ascii_isdigit(static_cast<unsigned char>(f[i]))) ++i;
    if (i < f.size() && f[i] == '.') {
      ++i;
      while (i < f.size() && absl::ascii_isdigit(static_cast<unsigned char>(f[i]))) ++i;
    }
    if (i >= f.size() || absl::string_view("eEfFgG").find(f[i]) == absl::string_view::npos) {
      return false;
    }
    ++conversions;
  }
  return conversions == 1;
}

std::string FormatG4(double v) { return absl::StrFormat("%.4g", v); }

// Prometheus's humanize: SI prefixes, 4 significant digits.
std::string Humanize(double v, bool binary) {
  if (v == 0 || std::isnan(v) || std::isinf(v)) return FormatG4(v);
  const double base = binary ? 1024 : 1000;
  static const char* kBig[] = {"", "k", "M", "G", "T", "P", "E", "Z", "Y"};
  static const char* kBigBin[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"};
  static const char* kSmall[] = {"", "m", "u", "n", "p", "f", "a", "z", "y"};
  double a = std::fabs(v);
  if (a >= 1) {
    int i = 0;
    while (a >= base && i < 8) {
      a /= base;
      v /= base;
      ++i;
    }
    return FormatG4(v) + (binary ? kBigBin[i] : kBig[i]);
  }
  if (binary) return FormatG4(v);
  int i = 0;
  while (a < 1 && i < 8) {
    a *= 1000;
    v *= 1000;
    ++i;
  }
  return FormatG4(v) + kSmall[i];
}

std::string HumanizeDuration(double seconds) {
  if (std::isnan(seconds) || std::isinf(seconds)) return FormatG4(seconds);
  if (std::fabs(seconds) < 60) return FormatG4(seconds) + "s";
  // An alert's value is whatever an agent sent: from 2^63 s on, the int64 conversion below would
  // be undefined behaviour (found by fuzz_config), so such values are printed as plain seconds.
  if (std::fabs(seconds) >= 9.2e18) return FormatG4(seconds) + "s";
  std::string sign = seconds < 0 ? "-" : "";
  int64_t s = static_cast<int64_t>(std::fabs(seconds));
  int64_t d = s / 86400, h = s / 3600 % 24, m = s / 60 % 60;
  s %= 60;
  std::string out = sign;
  if (d > 0) absl::StrAppend(&out, d, "d ");
  if (d > 0 || h > 0) absl::StrAppend(&out, h, "h ");
  absl::StrAppend(&out, m, "m ", s, "s");
  return out;
}

}  // namespace

absl::StatusOr<Template> Template::Parse(absl::string_view text) {
  Template t;
  t.text_ = std::string(text);
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find("{{", pos);
    if (open == absl::string_view::npos) {
      t.parts_.push_back({Part::kText, std::string(text.substr(pos)), Part::kPlain});
      break;
    }
    if (open > pos) t.parts_.push_back({Part::kText, std::string(text.substr(pos, open - pos))});
    size_t close = text.find("}}", open + 2);
    if (close == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat("unclosed {{ at offset ", open));
    }
    absl::string_view action = absl::StripAsciiWhitespace(text.substr(open + 2, close - open - 2));
    pos = close + 2;
    Part p;
    const std::string bad = absl::StrCat(
        "unsupported template action \"{{ ", action,
        " }}\" (supported: $value, $labels.<name>, $value | humanize|humanize1024|"
        "humanizePercentage|humanizeDuration, humanize $value, printf \"%.2f\" $value)");
    if (absl::ConsumePrefix(&action, "$labels.")) {
      if (!common::IsValidLabelName(action)) return absl::InvalidArgumentError(bad);
      p.kind = Part::kLabel;
      p.text = std::string(action);
      t.parts_.push_back(p);
      continue;
    }
    p.kind = Part::kValue;
    absl::string_view fn;
    if (absl::ConsumePrefix(&action, "printf")) {
      action = absl::StripAsciiWhitespace(action);
      if (!absl::ConsumePrefix(&action, "\"")) return absl::InvalidArgumentError(bad);
      size_t q = action.find('"');
      if (q == absl::string_view::npos) return absl::InvalidArgumentError(bad);
      absl::string_view fmt = action.substr(0, q);
      action = absl::StripAsciiWhitespace(action.substr(q + 1));
      if (action != "$value") return absl::InvalidArgumentError(bad);
      if (!ValidPrintfFormat(fmt)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "printf format \"", fmt, "\" must contain exactly one %f, %e or %g conversion"));
      }
      p.format = Part::kPrintf;
      p.text = std::string(fmt);
      t.parts_.push_back(p);
      continue;
    }
    if (action == "$value") {
      fn = "";
    } else if (absl::ConsumePrefix(&action, "$value")) {
      action = absl::StripAsciiWhitespace(action);
      if (!absl::ConsumePrefix(&action, "|")) return absl::InvalidArgumentError(bad);
      fn = absl::StripAsciiWhitespace(action);
    } else if (absl::ConsumeSuffix(&action, "$value")) {
      fn = absl::StripAsciiWhitespace(action);
    } else {
      return absl::InvalidArgumentError(bad);
    }
    if (fn.empty()) {
      p.format = Part::kPlain;
    } else if (fn == "humanize") {
      p.format = Part::kHumanize;
    } else if (fn == "humanize1024") {
      p.format = Part::kHumanize1024;
    } else if (fn == "humanizePercentage") {
      p.format = Part::kPercentage;
    } else if (fn == "humanizeDuration") {
      p.format = Part::kDuration;
    } else {
      return absl::InvalidArgumentError(bad);
    }
    t.parts_.push_back(p);
  }
  return t;
}

std::string Template::Render(double value, const LabelPairs& labels) const {
  std::string out;
  for (const Part& p : parts_) {
    switch (p.kind) {
      case Part::kText:
        out += p.text;
        break;
      case Part::kLabel:
        absl::StrAppend(&out, FindLabel(labels, p.text));
        break;
      case Part::kValue:
        switch (p.format) {
          case Part::kPlain:
            common::AppendDouble(&out, value);
            break;
          case Part::kPrintf: {
            char buf[128];
            // The format was checked at load time to hold exactly one float conversion.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
            std::snprintf(buf, sizeof(buf), p.text.c_str(), value);
#pragma GCC diagnostic pop
            out += buf;
            break;
          }
          case Part::kHumanize:
            out += Humanize(value, false);
            break;
          case Part::kHumanize1024:
            out += Humanize(value, true);
            break;
          case Part::kPercentage:
            out += FormatG4(value * 100) + "%";
            break;
          case Part::kDuration:
            out += HumanizeDuration(value);
            break;
        }
        break;
    }
  }
  return out;
}

}  // namespace hostmon::collector::alerting
