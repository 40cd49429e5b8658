// SPDX-License-Identifier: Apache-2.0
#include "collector/alerting/rules.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/exposition_text.h"
#include "common/status_macros.h"
#include "common/yaml_config.h"

namespace hostmon::collector::alerting {
namespace {

using common::YamlConfig;

// "rules[0].expr" + "select" -> "rules[0].expr.select": the field path errors name.
std::string Path(absl::string_view base, absl::string_view key) {
  return base.empty() ? std::string(key) : absl::StrCat(base, ".", key);
}

// Walks the YAML document of the grammar in rules.h; every error names file:line and the field.
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
