// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/textfile/textfile_parser.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }
bool IsNameStart(char c) { return absl::ascii_isalpha(c) || c == '_' || c == ':'; }
bool IsNameChar(char c) { return IsNameStart(c) || absl::ascii_isdigit(c); }
bool IsLabelStart(char c) { return absl::ascii_isalpha(c) || c == '_'; }
bool IsLabelChar(char c) { return IsLabelStart(c) || absl::ascii_isdigit(c); }

void SkipBlanks(absl::string_view* s) {
  while (!s->empty() && IsBlank(s->front())) s->remove_prefix(1);
}

absl::string_view TakeWhile(absl::string_view* s, bool (*pred)(char)) {
  size_t n = 0;
  while (n < s->size() && pred((*s)[n])) ++n;
  absl::string_view out = s->substr(0, n);
  s->remove_prefix(n);
  return out;
}

absl::string_view TakeToken(absl::string_view* s) {
  size_t n = 0;
  while (n < s->size() && !IsBlank((*s)[n])) ++n;
  absl::string_view out = s->substr(0, n);
  s->remove_prefix(n);
  return out;
}

class Parser {
 public:
  Parser(absl::string_view path, TextfileData* out) : path_(path), out_(out) {}

  absl::Status Error(absl::string_view problem) const {
    return absl::InvalidArgumentError(absl::StrCat(path_, " line ", line_no_, ": ", problem));
  }

  absl::Status Line(size_t line_no, absl::string_view line) {
    line_no_ = line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    SkipBlanks(&line);
    if (line.empty()) return absl::OkStatus();
    if (line.front() == '#') return Comment(line.substr(1));
    return Sample(line);
  }

  // Go's text parser: HELP escapes are only \\ and \n; label values also allow \".
  absl::Status Unescape(absl::string_view in, bool allow_quote, absl::string_view* result) {
    const size_t start = out_->arena.size();
    for (size_t i = 0; i < in.size(); ++i) {
      char c = in[i];
      if (c == '\\') {
        if (i + 1 == in.size()) return Error("escape sequence at end of text");
        const char e = in[++i];
        if (e == 'n') {
          c = '\n';
        } else if (e == '\\' || (allow_quote && e == '"')) {
          c = e;
        } else {
          return Error(absl::StrCat("invalid escape sequence '\\", absl::string_view(&e, 1), "'"));
        }
      }
      out_->arena.push_back(c);  // never reallocates: reserved to the text size
    }
    *result = absl::string_view(out_->arena).substr(start);
    return absl::OkStatus();
  }

  size_t FamilyFor(absl::string_view name) {
    auto it = out_->by_name.find(name);
    if (it != out_->by_name.end()) return it->second;
    out_->families.emplace_back().name = name;
    out_->by_name.emplace(name, out_->families.size() - 1);
    return out_->families.size() - 1;
  }

  absl::Status Comment(absl::string_view rest) {
    SkipBlanks(&rest);
    const absl::string_view keyword = TakeToken(&rest);
    if (keyword != "HELP" && keyword != "TYPE") return absl::OkStatus();  // free-form comment
    SkipBlanks(&rest);
    const absl::string_view name = TakeWhile(&rest, IsNameChar);
    if (name.empty() || !IsNameStart(name.front())) {
      return Error(absl::StrCat("invalid metric name in ", keyword, " line"));
    }
    if (!rest.empty() && !IsBlank(rest.front())) {
      return Error(absl::StrCat("invalid metric name in ", keyword, " line"));
    }
    SkipBlanks(&rest);
    TextfileFamily& family = out_->families[FamilyFor(name)];
    if (keyword == "HELP") {
      if (family.has_help) {
        return Error(absl::StrCat("second HELP line for metric name \"", name, "\""));
      }
      family.has_help = true;
      return Unescape(rest, /*allow_quote=*/false, &family.help);
    }
    if (family.has_type) {
      return Error(absl::StrCat("second TYPE line for metric name \"", name,
                                "\", or TYPE reported after samples"));
    }
    const absl::string_view type = TakeToken(&rest);
    SkipBlanks(&rest);
    if (!rest.empty()) return Error("unexpected text after the metric type");
    if (absl::EqualsIgnoreCase(type, "counter")) {
      family.type = TextfileType::kCounter;
    } else if (absl::EqualsIgnoreCase(type, "gauge")) {
      family.type = TextfileType::kGauge;
    } else if (absl::EqualsIgnoreCase(type, "untyped")) {
      family.type = TextfileType::kUntyped;
    } else if (absl::EqualsIgnoreCase(type, "summary")) {
      family.type = TextfileType::kSummary;
    } else if (absl::EqualsIgnoreCase(type, "histogram")) {
      family.type = TextfileType::kHistogram;
    } else {
      return Error(absl::StrCat("unknown metric type \"", type, "\""));
    }
    family.has_type = true;
    return absl::OkStatus();
  }

  // The family a sample name belongs to: its own, or the summary/histogram it is a part of.
  size_t SampleFamily(absl::string_view name) {
    auto it = out_->by_name.find(name);
    if (it != out_->by_name.end()) return it->second;
    for (absl::string_view suffix : {"_sum", "_count", "_bucket"}) {
      if (!absl::EndsWith(name, suffix)) continue;
      auto base = out_->by_name.find(name.substr(0, name.size() - suffix.size()));
      if (base == out_->by_name.end()) continue;
      const TextfileType type = out_->families[base->second].type;
      if (type == TextfileType::kHistogram ||
          (type == TextfileType::kSummary && suffix != "_bucket")) {
        return base->second;
      }
    }
    return FamilyFor(name);
  }

  absl::Status Labels(absl::string_view* rest, TextfileSample* sample) {
    rest->remove_prefix(1);  // '{'
    while (true) {
      SkipBlanks(rest);
      if (rest->empty()) return Error("unexpected end of line in label list");
      if (rest->front() == '}') {
        rest->remove_prefix(1);
        return absl::OkStatus();
      }
      const absl::string_view name = TakeWhile(rest, IsLabelChar);
      if (name.empty() || !IsLabelStart(name.front())) {
        return Error("invalid label name");
      }
      if (absl::StartsWith(name, "__")) {
        return Error(absl::StrCat("label name \"", name, "\" is reserved"));
      }
      for (size_t i = sample->label_begin; i < out_->labels.size(); ++i) {
        if (out_->labels[i].name == name) {
          return Error(absl::StrCat("duplicate label name \"", name, "\""));
        }
      }
      SkipBlanks(rest);
      if (rest->empty() || rest->front() != '=') {
        return Error(absl::StrCat("expected '=' after label name \"", name, "\""));
      }
      rest->remove_prefix(1);
      SkipBlanks(rest);
      if (rest->empty() || rest->front() != '"') {
        return Error(absl::StrCat("expected '\"' to start the value of label \"", name, "\""));
      }
      rest->remove_prefix(1);
      size_t end = 0;
      while (end < rest->size() && (*rest)[end] != '"') end += (*rest)[end] == '\\' ? 2 : 1;
      if (end >= rest->size()) {
        return Error(absl::StrCat("value of label \"", name, "\" is not terminated"));
      }
      absl::string_view value;
      absl::Status status = Unescape(rest->substr(0, end), /*allow_quote=*/true, &value);
      if (!status.ok()) return status;
      if (!common::IsValidUtf8(value)) {
        return Error(absl::StrCat("value of label \"", name, "\" is not valid UTF-8"));
      }
      rest->remove_prefix(end + 1);
      out_->labels.push_back({name, value});
      SkipBlanks(rest);
      if (!rest->empty() && rest->front() == ',') {
        rest->remove_prefix(1);
      } else if (rest->empty() || rest->front() != '}') {
        return Error("expected ',' or '}' after a label value");
      }
    }
  }

  absl::Status Sample(absl::string_view rest) {
    const absl::string_view name = TakeWhile(&rest, IsNameChar);
    if (name.empty() || !IsNameStart(name.front())) return Error("invalid metric name");
    TextfileSample sample;
    sample.name = name;
    sample.label_begin = sample.label_end = out_->labels.size();
    SkipBlanks(&rest);
    if (!rest.empty() && rest.front() == '{') {
      absl::Status status = Labels(&rest, &sample);
      if (!status.ok()) return status;
      sample.label_end = out_->labels.size();
      SkipBlanks(&rest);
    }
    absl::string_view value = TakeToken(&rest);
    if (value.empty()) return Error(absl::StrCat("no value for metric \"", name, "\""));
    // Go's ParseFloat accepts a leading '+' ("+Inf"); ParseDouble does not.
    if (value.size() > 1 && value.front() == '+' && value[1] != '-' && value[1] != '+') {
      value.remove_prefix(1);
    }
    absl::Status status = common::ParseDouble(value, name, &sample.value);
    if (!status.ok()) return Error(status.message());
    // Go's ParseFloat fails with ErrRange where strtod rounds to infinity ("1e400").
    if (std::isinf(sample.value) && absl::AsciiStrToLower(value).find("inf") == std::string::npos) {
      return Error(absl::StrCat(name, ": number out of range: \"", value, "\""));
    }
    SkipBlanks(&rest);
    if (!rest.empty()) {
      int64_t timestamp;
      status = common::ParseInt64(TakeToken(&rest), "timestamp", &timestamp);
      if (!status.ok()) return Error(status.message());
      sample.has_timestamp = true;
      SkipBlanks(&rest);
      if (!rest.empty()) return Error("unexpected text after the timestamp");
    }
    sample.family = SampleFamily(name);
    // A family's type is fixed by its first sample; a later TYPE line is an error, as in Go.
    out_->families[sample.family].has_type = true;
    out_->samples.push_back(sample);
    return absl::OkStatus();
  }

 private:
  absl::string_view path_;
  TextfileData* out_;
  size_t line_no_ = 0;
};

// node_exporter gives each sample the union of its family's label names; computed once per
// family over the samples grouped by family (a counting sort, no per-family allocation).
void ComputeLabelUnions(TextfileData* d) {
  const size_t nf = d->families.size();
  d->order.assign(nf + 1 + d->samples.size(), 0);
  size_t* start = d->order.data();            // nf + 1 bucket starts
  size_t* sorted = d->order.data() + nf + 1;  // sample indices grouped by family
  for (const TextfileSample& s : d->samples) ++start[s.family + 1];
  for (size_t f = 0; f < nf; ++f) start[f + 1] += start[f];
  for (size_t i = 0; i < d->samples.size(); ++i) sorted[start[d->samples[i].family]++] = i;
  // start[f] is now the end of bucket f, i.e. the beginning of bucket f + 1.
  size_t begin = 0;
  for (size_t f = 0; f < nf; ++f) {
    const size_t end = start[f];
    TextfileFamily& fam = d->families[f];
    fam.union_begin = d->label_names.size();
    // Go keeps a summary's quantile and a histogram's le apart from the labels, so _sum and
    // _count samples do not get them.
    const absl::string_view own = fam.type == TextfileType::kSummary     ? "quantile"
                                  : fam.type == TextfileType::kHistogram ? "le"
                                                                         : "";
    for (size_t k = begin; k < end; ++k) {
      const TextfileSample& s = d->samples[sorted[k]];
      for (size_t l = s.label_begin; l < s.label_end; ++l) {
        const absl::string_view name = d->labels[l].name;
        if (name == own) continue;
        if (std::find(d->label_names.begin() + fam.union_begin, d->label_names.end(), name) ==
            d->label_names.end()) {
          d->label_names.push_back(name);
        }
      }
    }
    fam.union_end = d->label_names.size();
    begin = end;
  }
}

}  // namespace

bool TextfileData::has_timestamps() const {
  for (const TextfileSample& s : samples) {
    if (s.has_timestamp) return true;
  }
  return false;
}

absl::Status ParseTextfile(absl::string_view path, absl::string_view text, TextfileData* out) {
  out->families.clear();
  out->samples.clear();
  out->labels.clear();
  out->label_names.clear();
  out->by_name.clear();
  out->arena.clear();
  // Unescaped text is never longer than the escaped text, so views into the arena stay valid.
  out->arena.reserve(text.size());
  Parser parser(path, out);
  size_t line_no = 0;
  absl::string_view line;
  while (common::NextLine(&text, &line)) {
    absl::Status status = parser.Line(++line_no, line);
    if (!status.ok()) return status;
  }
  ComputeLabelUnions(out);
  return absl::OkStatus();
}

}  // namespace hostmon::agent
