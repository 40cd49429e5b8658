// SPDX-License-Identifier: Apache-2.0
//
// The annotation template language of the alerting rules (`annotations:` of a rule, HostDown and
// AgentSilent): the subset of Prometheus's alert templates (Go text/template,
// https://prometheus.io/docs/prometheus/latest/configuration/template_reference/) that alert
// texts use in practice. Parsed and checked when the rules load, so rendering cannot fail.
//
// Grammar:
//   template = { text | "{{" action "}}" }          (text: anything up to the next "{{")
//   action   = "$labels." label                     the alert's label, "" when absent
//            | "$value"                             the evaluated value, shortest exact form
//            | "$value" "|" function | function "$value"
//            | "printf" '"' format '"' "$value"
//   function = "humanize" | "humanize1024" | "humanizePercentage" | "humanizeDuration"
//   format   = a printf format with exactly one %e, %f or %g conversion (either case; flags, width,
//              precision allowed) and any number of "%%"
// Whitespace inside "{{ }}" is ignored around the tokens.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "collector/label_pairs.h"

namespace hostmon::collector::alerting {

// A parsed `{{ ... }}` template (annotations). Syntax checked at load time.
class Template {
 public:
  static absl::StatusOr<Template> Parse(absl::string_view text);
  // `labels` are the alert's labels; `value` the evaluated value.
  std::string Render(double value, const LabelPairs& labels) const;
  const std::string& text() const { return text_; }

  struct Part {
    enum Kind { kText, kValue, kLabel } kind = kText;
    std::string text;  // literal text, label name, or printf format
    enum Format {
      kPlain,
      kPrintf,
      kHumanize,
      kHumanize1024,
      kPercentage,
      kDuration
    } format = kPlain;
  };

 private:
  std::string text_;
  std::vector<Part> parts_;
};

}  // namespace hostmon::collector::alerting
