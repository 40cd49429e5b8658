// SPDX-License-Identifier: Apache-2.0
//
// The selector language of the alerting rules (`expr.select`): the matcher part of PromQL's
// instant vector selector, https://prometheus.io/docs/prometheus/latest/querying/basics/
// #time-series-selectors, without offsets, ranges or functions (the rules file has its own
// fields for those).
//
// Grammar (whitespace allowed between tokens):
//   selector   = [ metric ] [ "{" [ matcher { "," matcher } ] "}" ]
//   metric     = [a-zA-Z_:][a-zA-Z0-9_:]*
//   matcher    = label op quoted
//   label      = [a-zA-Z_][a-zA-Z0-9_]*  ("__name__" matches the metric name)
//   op         = "=" | "!=" | "=~" | "!~"
//   quoted     = '"' chars '"' | "'" chars "'"   (backslash escapes; \n and \t)
// A selector must name its metric: a metric name or a `__name__` matcher with = or =~. Regexes
// are RE2, fully anchored as in PromQL. An absent label matches as the empty string.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "collector/label_pairs.h"

namespace re2 {
class RE2;
}

namespace hostmon::collector::alerting {

enum class MatchOp { kEq, kNe, kRe, kNre };

// One label matcher of a selector; regexes are fully anchored like PromQL's.
struct LabelMatcher {
  std::string name;  // "__name__" for the metric name
  MatchOp op = MatchOp::kEq;
  std::string value;
  std::shared_ptr<const re2::RE2> re;  // for kRe/kNre
  bool Matches(absl::string_view v) const;
};

// `metric_name{label="v",other!~"re.*"}` or `{__name__=~"a|b",...}`. An absent label matches
// as the empty string, as in PromQL.
struct Selector {
  std::string text;  // as written, for messages
  std::vector<LabelMatcher> name_matchers;
  std::vector<LabelMatcher> label_matchers;
  bool MatchesName(absl::string_view name) const;
  bool MatchesLabels(const LabelPairs& labels) const;
};

// Parses a selector; the error says what is wrong without file/line (the caller adds them).
absl::StatusOr<Selector> ParseSelector(absl::string_view text);

}  // namespace hostmon::collector::alerting
