// SPDX-License-Identifier: Apache-2.0
#include "collector/alerting/selector.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/exposition_text.h"
#include "common/status_macros.h"
#include "re2/re2.h"

namespace hostmon::collector::alerting {
namespace {

// Metric names may contain ':', label names may not (Ident stops there for labels).
bool IsNameChar(char c, bool first) {
  return absl::ascii_isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':' ||
         (!first && absl::ascii_isdigit(static_cast<unsigned char>(c)));
}

// A recursive-descent parser over the grammar in selector.h; errors name the offset `pos_`.
class SelectorParser {
 public:
  explicit SelectorParser(absl::string_view text) : text_(text) {}

  absl::StatusOr<Selector> Parse() {
    Selector sel;
    sel.text = std::string(text_);
    SkipSpace();
    std::string name = Ident(/*metric=*/true);
    if (!name.empty()) {
      if (!common::IsValidMetricName(name)) return Fail("invalid metric name");
      sel.name_matchers.push_back({"__name__", MatchOp::kEq, name, nullptr});
    }
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == '{') {
      ++pos_;
      while (true) {
        SkipSpace();
        if (pos_ < text_.size() && text_[pos_] == '}') {
          ++pos_;
          break;
        }
        LabelMatcher m;
        m.name = Ident(/*metric=*/false);
        if (m.name.empty()) return Fail("expected a label name");
        if (m.name != "__name__" && !common::IsValidLabelName(m.name)) {
          return Fail(absl::StrCat("invalid label name \"", m.name, "\""));
        }
        SkipSpace();
        if (Consume("=~")) {
          m.op = MatchOp::kRe;
        } else if (Consume("!~")) {
          m.op = MatchOp::kNre;
        } else if (Consume("!=")) {
          m.op = MatchOp::kNe;
        } else if (Consume("=")) {
          m.op = MatchOp::kEq;
        } else {
          return Fail("expected one of =, !=, =~, !~");
        }
        SkipSpace();
        HM_RETURN_IF_ERROR(Quoted(&m.value));
        if (m.op == MatchOp::kRe || m.op == MatchOp::kNre) {
          auto re =
              std::make_shared<re2::RE2>(absl::StrCat("^(?:", m.value, ")$"), re2::RE2::Quiet);
          if (!re->ok()) {
            return Fail(absl::StrCat("bad regex \"", m.value, "\": ", re->error()));
          }
          m.re = std::move(re);
        }
        if (m.name == "__name__") {
          sel.name_matchers.push_back(std::move(m));
        } else {
          sel.label_matchers.push_back(std::move(m));
        }
        SkipSpace();
        if (Consume(",")) continue;
        if (Consume("}")) break;
        return Fail("expected , or }");
      }
    }
    SkipSpace();
    if (pos_ != text_.size()) return Fail("unexpected text");
    bool names_metric = false;
    for (const LabelMatcher& m : sel.name_matchers) {
      if (m.op == MatchOp::kEq || m.op == MatchOp::kRe) names_metric = true;
    }
    if (!names_metric) {
      return absl::InvalidArgumentError(
          "a selector must name its metric (name{...} or {__name__=~\"...\"})");
    }
    return sel;
  }

 private:
  absl::Status Fail(absl::string_view what) const {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " at offset ", pos_, " of selector \"", text_, "\""));
  }
  void SkipSpace() {
    while (pos_ < text_.size() && absl::ascii_isspace(static_cast<unsigned char>(text_[pos_]))) {
      ++pos_;
    }
  }
  bool Consume(absl::string_view token) {
    if (text_.substr(pos_, token.size()) != token) return false;
    pos_ += token.size();
    return true;
  }
  std::string Ident(bool metric) {
    size_t start = pos_;
    while (pos_ < text_.size() && IsNameChar(text_[pos_], pos_ == start) &&
           (metric || text_[pos_] != ':')) {
      ++pos_;
    }
    return std::string(text_.substr(start, pos_ - start));
  }
  absl::Status Quoted(std::string* out) {
    if (pos_ >= text_.size() || (text_[pos_] != '"' && text_[pos_] != '\'')) {
      return Fail("expected a quoted value");
    }
    const char quote = text_[pos_++];
    while (pos_ < text_.size() && text_[pos_] != quote) {
      char c = text_[pos_++];
      if (c == '\\' && pos_ < text_.size()) {
        char e = text_[pos_++];
        out->push_back(e == 'n' ? '\n' : e == 't' ? '\t' : e);
      } else {
        out->push_back(c);
      }
    }
    if (pos_ >= text_.size()) return Fail("unterminated quoted value");
    ++pos_;
    return absl::OkStatus();
  }

  absl::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

bool LabelMatcher::Matches(absl::string_view v) const {
  switch (op) {
    case MatchOp::kEq:
      return v == value;
    case MatchOp::kNe:
      return v != value;
    case MatchOp::kRe:
      return re2::RE2::FullMatch(re2::StringPiece(v.data(), v.size()), *re);
    case MatchOp::kNre:
      return !re2::RE2::FullMatch(re2::StringPiece(v.data(), v.size()), *re);
  }
  return false;
}

bool Selector::MatchesName(absl::string_view name) const {
  for (const LabelMatcher& m : name_matchers) {
    if (!m.Matches(name)) return false;
  }
  return true;
}

bool Selector::MatchesLabels(const LabelPairs& labels) const {
  for (const LabelMatcher& m : label_matchers) {
    if (!m.Matches(FindLabel(labels, m.name))) return false;
  }
  return true;
}

absl::StatusOr<Selector> ParseSelector(absl::string_view text) {
  return SelectorParser(text).Parse();
}

}  // namespace hostmon::collector::alerting
