// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/weblog/weblog_source.h"

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "agent/sources/weblog/weblog_config.h"
#include "agent/sources/weblog/weblog_parser.h"
#include "agent/sources/weblog/weblog_state.h"
#include "agent/sources/weblog/weblog_tailer.h"
#include "common/log.h"

namespace hostmon::agent {
namespace {

using weblog::kBuckets;
using weblog::kMethods;
using weblog::kNumMethods;
using weblog::kNumStatusClasses;
using weblog::kStatusClasses;

constexpr MetricDesc kRequests{"hostmon_weblog_requests_total", kCounter,
                               "Requests logged, by status class and request method."};
// The wire protocol has no histogram type: the histogram goes out as its untyped series, as
// the textfile source sends histograms.
constexpr MetricDesc kBucket{"hostmon_weblog_response_seconds_bucket", kUntyped,
                             "Response time of logged requests (histogram buckets)."};
constexpr MetricDesc kSum{"hostmon_weblog_response_seconds_sum", kUntyped,
                          "Response time of logged requests (sum of seconds)."};
constexpr MetricDesc kCount{"hostmon_weblog_response_seconds_count", kUntyped,
                            "Response time of logged requests (count)."};
constexpr MetricDesc kMalformed{
    "hostmon_weblog_malformed_lines_total", kCounter,
    "Lines that did not parse in the log's format, or longer than max_line_bytes."};
constexpr MetricDesc kBytes{"hostmon_weblog_read_bytes_total", kCounter,
                            "Bytes read from the log file."};
constexpr MetricDesc kRotations{"hostmon_weblog_rotations_total", kCounter,
                                "Rotations seen (rename or truncation), restarts included."};
constexpr MetricDesc kReadErrors{"hostmon_weblog_read_errors_total", kCounter,
                                 "Failed opens, stats and reads of the log file."};
constexpr MetricDesc kFilePresent{"hostmon_weblog_file_present", kGauge,
                                  "1 when the log file is open, 0 when it does not exist."};

constexpr absl::Duration kMalformedLogEvery = absl::Minutes(1);

struct Log {
  Log(weblog::LogConfig c, weblog::LineParser p) : config(std::move(c)), parser(std::move(p)) {}
  weblog::LogConfig config;
  weblog::LineParser parser;
  std::unique_ptr<weblog::Tailer> tailer;
  weblog::LogCounters counters;
  bool has_duration = false;  // the format can carry a response time
  bool method_seen[kNumMethods] = {};
  std::string last_error;
  uint64_t malformed_unlogged = 0;
  std::string malformed_example;
  absl::Time malformed_logged = absl::InfinitePast();
};

class WeblogSource : public Source {
 public:
  WeblogSource(std::vector<std::unique_ptr<Log>> logs, std::string state_file)
      : logs_(std::move(logs)), state_file_(std::move(state_file)) {
    for (const auto& b : kBuckets) les_.push_back(absl::StrCat(b));
    les_.push_back("+Inf");
    LoadState();
  }

  absl::Status Collect(SampleWriter& out) override {
    // No logs file: nothing to read (said once, when the source was built), as the textfile
    // source with no directory.
    if (logs_.empty()) return absl::OkStatus();
    bool changed = false;
    std::string errors;
    for (auto& log : logs_) {
      changed |= Follow(*log, &errors);
    }
    // The state goes to disk before the samples leave: a crash after this point re-reads nothing
    // that was counted; a crash before it re-reads (and counts) exactly what is not saved.
    if (changed) SaveState();
    for (auto& log : logs_) Write(*log, out);
    if (!errors.empty()) return absl::UnavailableError(errors);
    return absl::OkStatus();
  }

 private:
  bool Follow(Log& log, std::string* errors) {
    weblog::FilePosition before;
    const bool had = log.tailer->position(&before);
    const weblog::LogCounters counters_before = log.counters;
    weblog::TailStats stats;
    weblog::LogLine line;
    const std::string error = log.tailer->Poll(
        [&](absl::string_view text) {
          absl::Status status = log.parser.Parse(text, &line);
          if (!status.ok()) {
            ++log.counters.malformed;
            if (log.malformed_unlogged++ == 0)
              log.malformed_example = std::string(status.message());
            return;
          }
          ++log.counters.requests[line.status_class][line.method];
          log.method_seen[line.method] = true;
          if (line.has_duration) log.counters.Observe(line.duration_seconds);
        },
        &stats);
    log.counters.bytes_read += stats.bytes_read;
    log.counters.rotations += stats.rotations;
    log.counters.read_errors += stats.read_errors;
    log.counters.malformed += stats.oversized_lines;
    if (stats.oversized_lines > 0 && log.malformed_unlogged == 0) {
      log.malformed_example =
          absl::StrCat("line longer than max_line_bytes (", log.config.max_line_bytes, ")");
    }
    log.malformed_unlogged += stats.oversized_lines;
    const absl::Time now = absl::Now();
    if (log.malformed_unlogged > 0 && now - log.malformed_logged >= kMalformedLogEvery) {
      // At most one line a minute per log: a log in the wrong format must not flood ours.
      common::log::Warn("weblog: malformed lines",
                        common::log::Kv("log", log.config.name) +
                            common::log::Kv("file", absl::CEscape(log.config.path)) +
                            common::log::Kv("count", static_cast<int64_t>(log.malformed_unlogged)) +
                            common::log::Kv("first", log.malformed_example));
      log.malformed_unlogged = 0;
      log.malformed_logged = now;
    }
    if (error != log.last_error) {
      if (!error.empty()) {
        common::log::Warn("weblog: cannot read log", common::log::Kv("log", log.config.name) +
                                                         common::log::Kv("error", error));
      }
      log.last_error = error;
    }
    if (!error.empty()) {
      absl::StrAppend(errors, errors->empty() ? "" : "; ", "log ", log.config.name, ": ", error);
    }
    weblog::FilePosition after;
    const bool has = log.tailer->position(&after);
    return has != had || (has && after != before) || !(log.counters == counters_before);
  }

  void Write(const Log& log, SampleWriter& out) {
    const absl::string_view name = log.config.name;
    const weblog::LogCounters& c = log.counters;
    for (int m = 0; m < kNumMethods; ++m) {
      if (!log.method_seen[m]) continue;
      // Every status class of a method seen, zeros included: an error ratio needs its 5xx series
      // to exist before the first error, or rate() misses the first errors.
      for (int sc = 0; sc < kNumStatusClasses; ++sc) {
        if (sc == kNumStatusClasses - 1 && c.requests[sc][m] == 0) continue;
        const LabelRef labels[] = {
            {"log", name}, {"method", kMethods[m]}, {"status_class", kStatusClasses[sc]}};
        out.Add(kRequests, labels, static_cast<double>(c.requests[sc][m]));
      }
    }
    if (log.has_duration) {
      uint64_t cumulative = 0;
      for (size_t i = 0; i < les_.size(); ++i) {
        cumulative += c.buckets[i];
        const LabelRef labels[] = {{"le", les_[i]}, {"log", name}};
        out.Add(kBucket, labels, static_cast<double>(cumulative));
      }
      const LabelRef labels[] = {{"log", name}};
      out.Add(kSum, labels, c.duration_sum);
      out.Add(kCount, labels, static_cast<double>(cumulative));
    }
    const LabelRef labels[] = {{"log", name}};
    out.Add(kMalformed, labels, static_cast<double>(c.malformed));
    out.Add(kBytes, labels, static_cast<double>(c.bytes_read));
    out.Add(kRotations, labels, static_cast<double>(c.rotations));
    out.Add(kReadErrors, labels, static_cast<double>(c.read_errors));
    out.Add(kFilePresent, labels, log.tailer->open() ? 1 : 0);
  }

  void LoadState() {
    if (state_file_.empty()) return;
    absl::StatusOr<weblog::WeblogState> state = weblog::ReadStateFile(state_file_);
    if (!state.ok()) {
      if (!absl::IsNotFound(state.status())) {
        common::log::Warn("weblog: ignoring the state file: logs start as on a first start",
                          common::log::Kv("error", state.status().message()));
      }
      return;
    }
    for (auto& log : logs_) {
      auto it = state->find(log->config.name);
      if (it == state->end() || it->second.path != log->config.path) continue;
      log->counters = it->second.counters;
      for (int m = 0; m < kNumMethods; ++m) {
        for (int sc = 0; sc < kNumStatusClasses; ++sc) {
          if (log->counters.requests[sc][m] != 0) log->method_seen[m] = true;
        }
      }
      if (it->second.has_position) {
        log->tailer->Restore(it->second.position);
      } else {
        log->tailer->RestoreMissing();
      }
    }
  }

  void SaveState() {
    if (state_file_.empty()) return;
    weblog::WeblogState state;
    for (const auto& log : logs_) {
      weblog::LogState& s = state[log->config.name];
      s.path = log->config.path;
      s.has_position = log->tailer->position(&s.position);
      s.counters = log->counters;
    }
    absl::Status status = weblog::WriteStateFile(state_file_, weblog::EncodeState(state));
    if (!status.ok() && status.message() != last_state_error_) {
      common::log::Warn("weblog: cannot save the state file (a restart may count lines again)",
                        common::log::Kv("error", status.message()));
    }
    last_state_error_ = status.ok() ? "" : std::string(status.message());
  }

  std::vector<std::unique_ptr<Log>> logs_;
  const std::string state_file_;
  std::vector<std::string> les_;
  std::string last_state_error_;
};

}  // namespace

const std::vector<SourceOption>& WeblogOptions() {
  static const auto* options = new std::vector<SourceOption>{
      {"config", "", "Logs file (YAML): the access logs to follow, their names and formats."},
      {"state-file", "/var/lib/hostmon/weblog.state",
       "Read positions and counters, kept across restarts; empty keeps none."},
  };
  return *options;
}

absl::StatusOr<SourcePtr> MakeWeblogSource(const SourceContext& ctx) {
  const std::string path = ctx.Option("config");
  std::vector<std::unique_ptr<Log>> logs;
  if (path.empty()) {
    common::log::Warn("weblog: no logs file, nothing to read: set --source.weblog.config=FILE");
  } else {
    absl::StatusOr<weblog::WeblogConfig> config = weblog::LoadWeblogConfig(path);
    if (!config.ok()) return ctx.OptionError("config", config.status().message());
    for (weblog::LogConfig& c : config->logs) {
      absl::StatusOr<weblog::LineParser> parser =
          weblog::LineParser::Make(c.format, c.pattern, c.duration_scale);
      if (!parser.ok()) return ctx.OptionError("config", parser.status().message());
      auto log = std::make_unique<Log>(std::move(c), *std::move(parser));
      // Paths name files on the monitored host: below --path.rootfs when the agent runs in a
      // container with the host's root mounted elsewhere.
      log->tailer = std::make_unique<weblog::Tailer>(
          ctx.fs ? ctx.fs->Root(log->config.path) : log->config.path,
          static_cast<size_t>(log->config.max_line_bytes),
          static_cast<size_t>(log->config.max_read_bytes), log->config.start_at_beginning);
      log->has_duration = log->parser.has_duration();
      logs.push_back(std::move(log));
    }
  }
  return std::make_unique<WeblogSource>(std::move(logs), ctx.Option("state-file"));
}

}  // namespace hostmon::agent
