// SPDX-License-Identifier: Apache-2.0
#include "collector/alerting/rules.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/exposition.h"
#include "common/status_macros.h"
#include "common/yaml_config.h"
#include "re2/re2.h"

namespace hostmon::collector::alerting {
namespace {

using common::YamlConfig;

// ---------------------------------------------------------------------------------------------
// Selectors: the matcher part of PromQL's vector selector syntax
// (https://prometheus.io/docs/prometheus/latest/querying/basics/#time-series-selectors).

bool IsNameChar(char c, bool first) {
  return absl::ascii_isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':' ||
         (!first && absl::ascii_isdigit(static_cast<unsigned char>(c)));
}

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

// ---------------------------------------------------------------------------------------------
// Templates: the subset of Prometheus's annotation templates that alert texts use in practice.

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

// ---------------------------------------------------------------------------------------------
// The file.

std::string Path(absl::string_view base, absl::string_view key) {
  return base.empty() ? std::string(key) : absl::StrCat(base, ".", key);
}

class RulesParser {
 public:
  explicit RulesParser(const YamlConfig& cfg) : cfg_(cfg) {}

  absl::StatusOr<RuleSet> Parse() {
    RuleSet set;
    const YAML::Node& root = cfg_.root();
    HM_RETURN_IF_ERROR(
        cfg_.CheckKeys(root, "", {"settings", "host_down", "agent_silent", "rules"}));
    YAML::Node settings;
    HM_RETURN_IF_ERROR(cfg_.GetMap(root, "settings", "", &settings));
    HM_RETURN_IF_ERROR(
        cfg_.CheckKeys(settings, "settings",
                       {"flap_window", "resolved_retention", "staleness", "staleness_intervals"}));
    AlertingSettings& s = set.settings;
    HM_RETURN_IF_ERROR(cfg_.GetDuration(settings, "flap_window", "settings", &s.flap_window));
    HM_RETURN_IF_ERROR(
        cfg_.GetDuration(settings, "resolved_retention", "settings", &s.resolved_retention));
    HM_RETURN_IF_ERROR(cfg_.GetDuration(settings, "staleness", "settings", &s.staleness));
    HM_RETURN_IF_ERROR(
        cfg_.GetInt(settings, "staleness_intervals", "settings", &s.staleness_intervals));
    if (s.staleness_intervals < 1) {
      return Err(settings["staleness_intervals"], "settings.staleness_intervals",
                 "must be at least 1");
    }

    set.host_down = DefaultHostDown();
    set.agent_silent = DefaultAgentSilent();
    HM_RETURN_IF_ERROR(ParseHostAlert(root, "host_down", /*silent=*/false, &set.host_down));
    HM_RETURN_IF_ERROR(ParseHostAlert(root, "agent_silent", /*silent=*/true, &set.agent_silent));
    if (set.host_down.alertname == set.agent_silent.alertname) {
      return Err(root["agent_silent"], "agent_silent.alertname", "must differ from HostDown's");
    }

    YAML::Node rules = root["rules"];
    if (rules && !rules.IsNull()) {
      if (!rules.IsSequence()) return Err(rules, "rules", "expected a list of rules");
      std::map<std::string, std::string> seen;  // name -> file:line
      seen[set.host_down.alertname] = "host_down";
      seen[set.agent_silent.alertname] = "agent_silent";
      size_t i = 0;
      for (const YAML::Node& node : rules) {
        std::string path = absl::StrCat("rules[", i++, "]");
        HM_ASSIGN_OR_RETURN(Rule rule, ParseRule(node, path));
        auto [it, inserted] = seen.emplace(rule.name, rule.where);
        if (!inserted) {
          return Err(
              node["name"], Path(path, "name"),
              absl::StrCat("duplicate rule name \"", rule.name, "\" (first at ", it->second, ")"));
        }
        set.rules.push_back(std::move(rule));
      }
    }
    return set;
  }

 private:
  absl::Status Err(const YAML::Node& node, absl::string_view path, absl::string_view what) const {
    return absl::InvalidArgumentError(
        absl::StrCat(cfg_.Where(node), ": field \"", path, "\": ", what));
  }

  absl::Status GetDouble(const YAML::Node& map, absl::string_view key, absl::string_view path,
                         double* out, bool* present) const {
    YAML::Node n = map[std::string(key)];
    *present = false;
    if (!n || n.IsNull()) return absl::OkStatus();
    double v;
    if (!n.IsScalar() || !absl::SimpleAtod(n.Scalar(), &v) || !std::isfinite(v)) {
      return Err(
          n, Path(path, key),
          absl::StrCat("expected a finite number, got \"", n.IsScalar() ? n.Scalar() : "", "\""));
    }
    *out = v;
    *present = true;
    return absl::OkStatus();
  }

  absl::Status ParseLabels(const YAML::Node& map, absl::string_view path, LabelPairs* out) const {
    std::map<std::string, std::string> labels;
    HM_RETURN_IF_ERROR(cfg_.GetStringMap(map, "labels", path, &labels));
    for (const auto& [k, v] : labels) {
      if (!common::IsValidLabelName(k) || k == "alertname" || k == "severity" ||
          k == "alertstate") {
        return Err(map["labels"], Path(path, "labels"),
                   absl::StrCat("invalid or reserved label name \"", k, "\""));
      }
      if (!common::IsValidUtf8(v)) {
        return Err(map["labels"], Path(path, "labels"), "label values must be UTF-8");
      }
      out->emplace_back(k, v);
    }
    return absl::OkStatus();
  }

  absl::Status ParseAnnotations(const YAML::Node& map, absl::string_view path,
                                std::vector<std::pair<std::string, Template>>* out) const {
    std::map<std::string, std::string> annotations;
    HM_RETURN_IF_ERROR(cfg_.GetStringMap(map, "annotations", path, &annotations));
    for (const auto& [k, v] : annotations) {
      if (!common::IsValidLabelName(k)) {
        return Err(map["annotations"], Path(path, "annotations"),
                   absl::StrCat("invalid annotation name \"", k, "\""));
      }
      absl::StatusOr<Template> t = Template::Parse(v);
      if (!t.ok()) {
        return Err(map["annotations"], Path(Path(path, "annotations"), k), t.status().message());
      }
      out->emplace_back(k, *std::move(t));
    }
    return absl::OkStatus();
  }

  absl::Status ParseSeverityName(const YAML::Node& node, absl::string_view path,
                                 const std::string& name, int* rank) const {
    if (name == "info") {
      *rank = 0;
    } else if (name == "warning") {
      *rank = 1;
    } else if (name == "critical") {
      *rank = 2;
    } else {
      return Err(
          node, path,
          absl::StrCat("unknown severity \"", name, "\" (allowed: info, warning, critical)"));
    }
    return absl::OkStatus();
  }

  absl::Status ParseHostAlert(const YAML::Node& root, absl::string_view key, bool silent,
                              HostAlertConfig* c) const {
    YAML::Node m;
    HM_RETURN_IF_ERROR(cfg_.GetMap(root, key, "", &m));
    if (silent) {
      HM_RETURN_IF_ERROR(cfg_.CheckKeys(m, key,
                                        {"enabled", "alertname", "severity", "grace", "intervals",
                                         "min_grace", "labels", "annotations"}));
    } else {
      HM_RETURN_IF_ERROR(cfg_.CheckKeys(
          m, key, {"enabled", "alertname", "severity", "grace", "labels", "annotations"}));
    }
    HM_RETURN_IF_ERROR(cfg_.GetBool(m, "enabled", key, &c->enabled));
    HM_RETURN_IF_ERROR(cfg_.GetString(m, "alertname", key, &c->alertname));
    if (!common::IsValidMetricName(c->alertname)) {
      return Err(m["alertname"], Path(key, "alertname"), "not a valid alert name");
    }
    HM_RETURN_IF_ERROR(cfg_.GetString(m, "severity", key, &c->severity));
    int rank;
    HM_RETURN_IF_ERROR(ParseSeverityName(m["severity"], Path(key, "severity"), c->severity, &rank));
    HM_RETURN_IF_ERROR(cfg_.GetDuration(m, "grace", key, &c->grace));
    if (silent) {
      HM_RETURN_IF_ERROR(cfg_.GetInt(m, "intervals", key, &c->intervals));
      if (c->intervals < 1) return Err(m["intervals"], Path(key, "intervals"), "must be >= 1");
      HM_RETURN_IF_ERROR(cfg_.GetDuration(m, "min_grace", key, &c->min_grace));
    }
    if (m["labels"]) {
      c->labels.clear();
      HM_RETURN_IF_ERROR(ParseLabels(m, key, &c->labels));
    }
    if (m["annotations"]) {
      c->annotations.clear();
      HM_RETURN_IF_ERROR(ParseAnnotations(m, key, &c->annotations));
    }
    return absl::OkStatus();
  }

  absl::Status ParseTerm(const YAML::Node& m, absl::string_view path, const Term* defaults,
                         Term* t) const {
    std::string func = "last";
    if (defaults == nullptr && !m["select"]) {
      return Err(m, Path(path, "select"), "required");
    }
    if (defaults != nullptr) {
      *t = *defaults;
      t->selector = Selector();
    }
    HM_RETURN_IF_ERROR(cfg_.GetString(m, "func", path, &func));
    if (m["func"] || defaults == nullptr) {
      if (func == "rate") {
        t->func = Func::kRate;
      } else if (func == "increase") {
        t->func = Func::kIncrease;
      } else if (func == "avg_over_time") {
        t->func = Func::kAvgOverTime;
      } else if (func == "max_over_time") {
        t->func = Func::kMaxOverTime;
      } else if (func == "min_over_time") {
        t->func = Func::kMinOverTime;
      } else if (func == "last") {
        t->func = Func::kLast;
      } else {
        return Err(m["func"], Path(path, "func"),
                   absl::StrCat("unknown function \"", func,
                                "\" (allowed: rate, increase, avg_over_time, max_over_time, "
                                "min_over_time, last)"));
      }
    }
    HM_RETURN_IF_ERROR(cfg_.GetDuration(m, "window", path, &t->window));
    if (t->func != Func::kLast && t->window <= absl::ZeroDuration()) {
      return Err(m["window"] ? m["window"] : m, Path(path, "window"),
                 absl::StrCat(m["func"] || defaults == nullptr ? func : "the inherited function",
                              " needs a window > 0 (e.g. 5m)"));
    }
    std::string agg;
    HM_RETURN_IF_ERROR(cfg_.GetString(m, "aggregate", path, &agg));
    if (m["aggregate"]) {
      if (agg == "sum") {
        t->aggregate = Aggregate::kSum;
      } else if (agg == "avg") {
        t->aggregate = Aggregate::kAvg;
      } else if (agg == "max") {
        t->aggregate = Aggregate::kMax;
      } else if (agg == "min") {
        t->aggregate = Aggregate::kMin;
      } else if (agg == "count") {
        t->aggregate = Aggregate::kCount;
      } else {
        return Err(
            m["aggregate"], Path(path, "aggregate"),
            absl::StrCat("unknown aggregation \"", agg, "\" (allowed: sum, avg, max, min, count)"));
      }
    }
    std::string sel;
    HM_RETURN_IF_ERROR(cfg_.GetString(m, "select", path, &sel));
    if (sel.empty()) return Err(m["select"] ? m["select"] : m, Path(path, "select"), "required");
    absl::StatusOr<Selector> s = ParseSelector(sel);
    if (!s.ok()) return Err(m["select"], Path(path, "select"), s.status().message());
    t->selector = *std::move(s);
    return absl::OkStatus();
  }

  absl::Status ParseExpr(const YAML::Node& rule, absl::string_view rpath, Expression* e) const {
    const std::string path = Path(rpath, "expr");
    YAML::Node m = rule["expr"];
    if (!m || m.IsNull()) return Err(rule, path, "required");
    if (!m.IsMap()) return Err(m, path, "expected a mapping");
    HM_RETURN_IF_ERROR(cfg_.CheckKeys(
        m, path,
        {"func", "window", "select", "aggregate", "divide_by", "by", "complement", "scale"}));
    HM_RETURN_IF_ERROR(ParseTerm(m, path, nullptr, &e->numerator));
    YAML::Node den;
    HM_RETURN_IF_ERROR(cfg_.GetMap(m, "divide_by", path, &den));
    if (m["divide_by"]) {
      const std::string dpath = Path(path, "divide_by");
      HM_RETURN_IF_ERROR(cfg_.CheckKeys(den, dpath, {"func", "window", "select", "aggregate"}));
      e->has_denominator = true;
      HM_RETURN_IF_ERROR(ParseTerm(den, dpath, &e->numerator, &e->denominator));
    }
    HM_RETURN_IF_ERROR(cfg_.GetStringList(m, "by", path, &e->by));
    for (const std::string& l : e->by) {
      if (!common::IsValidLabelName(l)) {
        return Err(m["by"], Path(path, "by"), absl::StrCat("invalid label name \"", l, "\""));
      }
    }
    HM_RETURN_IF_ERROR(cfg_.GetBool(m, "complement", path, &e->complement));
    bool present;
    HM_RETURN_IF_ERROR(GetDouble(m, "scale", path, &e->scale, &present));
    return absl::OkStatus();
  }

  absl::StatusOr<Rule> ParseRule(const YAML::Node& node, const std::string& path) const {
    if (!node.IsMap()) return Err(node, path, "expected a mapping (a rule)");
    HM_RETURN_IF_ERROR(
        cfg_.CheckKeys(node, path,
                       {"name", "expr", "op", "for", "keep_firing_for", "threshold", "clear",
                        "severity", "severities", "labels", "annotations"}));
    Rule r;
    r.where = cfg_.Where(node);
    HM_RETURN_IF_ERROR(cfg_.GetString(node, "name", path, &r.name));
    if (r.name.empty()) return Err(node, Path(path, "name"), "required");
    if (!common::IsValidMetricName(r.name)) {
      return Err(node["name"], Path(path, "name"),
                 "must look like a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)");
    }
    HM_RETURN_IF_ERROR(ParseExpr(node, path, &r.expr));

    std::string op;
    HM_RETURN_IF_ERROR(cfg_.GetString(node, "op", path, &op));
    if (op.empty()) return Err(node, Path(path, "op"), "required (\">\", \">=\", \"<\", \"<=\")");
    if (op == ">") {
      r.op = Comparison::kGt;
    } else if (op == ">=") {
      r.op = Comparison::kGe;
    } else if (op == "<") {
      r.op = Comparison::kLt;
    } else if (op == "<=") {
      r.op = Comparison::kLe;
    } else {
      return Err(
          node["op"], Path(path, "op"),
          absl::StrCat("expected \">\", \">=\", \"<\" or \"<=\" (quoted), got \"", op, "\""));
    }

    absl::Duration rule_for = absl::ZeroDuration(), rule_keep = absl::ZeroDuration();
    HM_RETURN_IF_ERROR(cfg_.GetDuration(node, "for", path, &rule_for));
    HM_RETURN_IF_ERROR(cfg_.GetDuration(node, "keep_firing_for", path, &rule_keep));

    const bool short_form = node["threshold"] || node["severity"] || node["clear"];
    if (short_form && node["severities"]) {
      return Err(node["severities"], Path(path, "severities"),
                 "use either threshold/clear/severity or severities, not both");
    }
    if (short_form) {
      SeverityLevel l;
      l.name = "warning";
      HM_RETURN_IF_ERROR(cfg_.GetString(node, "severity", path, &l.name));
      HM_RETURN_IF_ERROR(
          ParseSeverityName(node["severity"], Path(path, "severity"), l.name, &l.rank));
      l.for_duration = rule_for;
      l.keep_firing_for = rule_keep;
      HM_RETURN_IF_ERROR(ParseThresholds(node, path, r.op, &l));
      r.severities.push_back(l);
    } else {
      YAML::Node sev;
      HM_RETURN_IF_ERROR(cfg_.GetMap(node, "severities", path, &sev));
      const std::string spath = Path(path, "severities");
      if (sev.size() == 0) {
        return Err(node, spath, "a rule needs `threshold` or `severities`");
      }
      HM_RETURN_IF_ERROR(cfg_.CheckKeys(sev, spath, {"info", "warning", "critical"}));
      for (const auto& kv : sev) {
        SeverityLevel l;
        l.name = kv.first.Scalar();
        const std::string lpath = Path(spath, l.name);
        HM_RETURN_IF_ERROR(ParseSeverityName(kv.first, lpath, l.name, &l.rank));
        if (!kv.second.IsMap()) return Err(kv.second, lpath, "expected a mapping");
        HM_RETURN_IF_ERROR(
            cfg_.CheckKeys(kv.second, lpath, {"threshold", "clear", "for", "keep_firing_for"}));
        l.for_duration = rule_for;
        l.keep_firing_for = rule_keep;
        HM_RETURN_IF_ERROR(cfg_.GetDuration(kv.second, "for", lpath, &l.for_duration));
        HM_RETURN_IF_ERROR(
            cfg_.GetDuration(kv.second, "keep_firing_for", lpath, &l.keep_firing_for));
        HM_RETURN_IF_ERROR(ParseThresholds(kv.second, lpath, r.op, &l));
        r.severities.push_back(l);
      }
      std::sort(r.severities.begin(), r.severities.end(),
                [](const SeverityLevel& a, const SeverityLevel& b) { return a.rank < b.rank; });
      // A higher severity must be harder to reach, or escalation would be meaningless.
      for (size_t i = 1; i < r.severities.size(); ++i) {
        const SeverityLevel& lo = r.severities[i - 1];
        const SeverityLevel& hi = r.severities[i];
        if (Compare(r.op, lo.threshold, hi.threshold) && lo.threshold != hi.threshold) {
          return Err(sev[hi.name], Path(spath, hi.name),
                     absl::StrCat("threshold ", hi.threshold, " is easier to reach than ", lo.name,
                                  "'s ", lo.threshold, " for op ", ComparisonText(r.op)));
        }
      }
    }
    HM_RETURN_IF_ERROR(ParseLabels(node, path, &r.labels));
    HM_RETURN_IF_ERROR(ParseAnnotations(node, path, &r.annotations));
    r.definition = Canonical(r);
    return r;
  }

  absl::Status ParseThresholds(const YAML::Node& m, absl::string_view path, Comparison op,
                               SeverityLevel* l) const {
    bool present = false;
    HM_RETURN_IF_ERROR(GetDouble(m, "threshold", path, &l->threshold, &present));
    if (!present) return Err(m, Path(path, "threshold"), "required");
    l->clear = l->threshold;
    HM_RETURN_IF_ERROR(GetDouble(m, "clear", path, &l->clear, &present));
    // The clear threshold must lie on the "still fine" side, or the alert could never resolve
    // while above its own firing threshold.
    if (present && l->clear != l->threshold && Compare(op, l->clear, l->threshold)) {
      return Err(m["clear"], Path(path, "clear"),
                 absl::StrCat("clear threshold ", l->clear, " must not be beyond threshold ",
                              l->threshold, " for op ", ComparisonText(op)));
    }
    return absl::OkStatus();
  }

  static std::string TermText(const Term& t) {
    return absl::StrCat(static_cast<int>(t.func), "(", t.selector.text, "[",
                        absl::FormatDuration(t.window), "]) agg ", static_cast<int>(t.aggregate));
  }

  static std::string Canonical(const Rule& r) {
    std::string out = absl::StrCat(r.name, "|", TermText(r.expr.numerator));
    if (r.expr.has_denominator) absl::StrAppend(&out, " / ", TermText(r.expr.denominator));
    absl::StrAppend(&out, " by(", absl::StrJoin(r.expr.by, ","), ") c", r.expr.complement, " x",
                    r.expr.scale, " ", ComparisonText(r.op));
    for (const SeverityLevel& l : r.severities) {
      absl::StrAppend(&out, " ", l.name, ":", l.threshold, "/", l.clear, "/",
                      absl::FormatDuration(l.for_duration), "/",
                      absl::FormatDuration(l.keep_firing_for));
    }
    for (const auto& [k, v] : r.labels) absl::StrAppend(&out, " ", k, "=", v);
    return out;
  }

  const YamlConfig& cfg_;
};

}  // namespace

// ---------------------------------------------------------------------------------------------

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
    absl::string_view v;
    for (const auto& [k, val] : labels) {
      if (k == m.name) {
        v = val;
        break;
      }
    }
    if (!m.Matches(v)) return false;
  }
  return true;
}

absl::StatusOr<Selector> ParseSelector(absl::string_view text) {
  return SelectorParser(text).Parse();
}

bool Compare(Comparison op, double value, double threshold) {
  switch (op) {
    case Comparison::kGt:
      return value > threshold;
    case Comparison::kGe:
      return value >= threshold;
    case Comparison::kLt:
      return value < threshold;
    case Comparison::kLe:
      return value <= threshold;
  }
  return false;
}

absl::string_view ComparisonText(Comparison op) {
  switch (op) {
    case Comparison::kGt:
      return ">";
    case Comparison::kGe:
      return ">=";
    case Comparison::kLt:
      return "<";
    case Comparison::kLe:
      return "<=";
  }
  return "?";
}

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
        for (const auto& [k, v] : labels) {
          if (k == p.text) {
            out += v;
            break;
          }
        }
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

HostAlertConfig DefaultHostDown() {
  HostAlertConfig c;
  c.alertname = "HostDown";
  c.severity = "critical";
  c.grace = absl::Minutes(1);
  c.annotations.emplace_back("summary",
                             *Template::Parse("{{ $labels.instance }}: agent stream lost for "
                                              "{{ $value | humanizeDuration }}"));
  return c;
}

HostAlertConfig DefaultAgentSilent() {
  HostAlertConfig c;
  c.alertname = "AgentSilent";
  c.severity = "warning";
  c.intervals = 4;
  c.min_grace = absl::Seconds(30);
  c.annotations.emplace_back(
      "summary", *Template::Parse("{{ $labels.instance }}: connected agent sent no data for "
                                  "{{ $value | humanizeDuration }}"));
  return c;
}

absl::StatusOr<RuleSet> ParseRules(const std::string& text, const std::string& filename) {
  try {
    HM_ASSIGN_OR_RETURN(YamlConfig cfg, YamlConfig::Parse(text, filename));
    HM_ASSIGN_OR_RETURN(RuleSet set, RulesParser(cfg).Parse());
    set.source = filename;
    return set;
  } catch (const std::exception& e) {
    // yaml-cpp throws on some malformed accesses; no exception leaves the module.
    return absl::InvalidArgumentError(absl::StrCat(filename, ": cannot parse rules: ", e.what()));
  }
}

absl::StatusOr<RuleSet> LoadRulesFile(const std::string& path) {
  try {
    HM_ASSIGN_OR_RETURN(YamlConfig cfg, YamlConfig::Load(path));
    HM_ASSIGN_OR_RETURN(RuleSet set, RulesParser(cfg).Parse());
    set.source = path;
    return set;
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": cannot parse rules: ", e.what()));
  }
}

}  // namespace hostmon::collector::alerting
