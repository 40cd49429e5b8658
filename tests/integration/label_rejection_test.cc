// SPDX-License-Identifier: Apache-2.0
//
// Every label rejection case sent over a real gRPC stream to the ingest service, with the rule
// engine observing the store as in the collector: each bad Hello or series definition is rejected
// (naming the series) and counted, and the collector's /metrics text (its own registry, the hosts'
// series, the engine's families, as collector.cc writes them) stays parseable by Prometheus's
// strict parser (`promtool check metrics`) and free of duplicate series.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "collector/alerting/engine_fixture.h"
#include "collector/ingest_service.h"
#include "fakes/raw_ingest_client.h"
#include "fakes/temp_dir.h"
#include "prometheus/text_serializer.h"

namespace hostmon::collector {
namespace {

namespace pb = ::hostmon::ingest::v1;

constexpr char kRules[] =
    "settings:\n  flap_window: 0s\n"
    "host_down:\n  grace: 30s\n"
    "rules:\n"
    "  - name: HighLoad\n"
    "    expr: {func: last, select: node_load1}\n"
    "    op: \">\"\n"
    "    threshold: 4\n";

pb::AgentMessage Hello(const std::string& host,
                       std::vector<std::pair<std::string, std::string>> labels = {}) {
  pb::AgentMessage m;
  m.mutable_hello()->set_host_name(host);
  m.mutable_hello()->set_epoch(1);
  m.mutable_hello()->set_collection_interval_ms(15000);
  for (const auto& [k, v] : labels) {
    pb::Label* l = m.mutable_hello()->add_static_labels();
    l->set_name(k);
    l->set_value(v);
  }
  return m;
}

// A batch defining family 1 `name` and one series per label set (refs 10, 11, ...), each with a
// value.
pb::AgentMessage Batch(uint64_t seq, const std::string& name,
                       const std::vector<std::vector<std::pair<std::string, std::string>>>& series,
                       double value) {
  pb::AgentMessage m;
  pb::Batch* b = m.mutable_batch();
  b->set_sequence(seq);
  b->set_timestamp_ms(1700000000000);
  pb::FamilyDef* f = b->add_family_defs();
  f->set_ref(1);
  f->set_name(name);
  f->set_type(pb::METRIC_TYPE_GAUGE);
  f->set_help("test");
  uint32_t ref = 10;
  for (const auto& labels : series) {
    pb::SeriesDef* d = b->add_series_defs();
    d->set_ref(ref);
    d->set_family_ref(1);
    for (const auto& [k, v] : labels) {
      pb::Label* l = d->add_labels();
      l->set_name(k);
      l->set_value(v);
    }
    b->add_series_refs(ref++);
    b->add_values(value);
  }
  return m;
}

struct Result {
  grpc::Status status;
  std::vector<pb::CollectorMessage> replies;
};

// Sends `msgs`, half-closes without a goodbye (a lost stream) and reads every reply.
Result Exchange(int port, const std::vector<pb::AgentMessage>& msgs) {
  Result r;
  r.status = testing::RawExchange(port, msgs, &r.replies);
  return r;
}

// Exit code of `promtool check metrics < file`: 0 clean, 3 lint findings only (e.g. a counter
// without _total, which agents may send), 1 the text does not parse; -1: promtool missing.
int PromtoolCheck(const std::string& file) {
  std::string cmd = "command -v promtool >/dev/null 2>&1 || exit 127; promtool check metrics < '" +
                    file + "' > '" + file + ".out' 2>&1";
  int rc = std::system(cmd.c_str());
  if (!WIFEXITED(rc)) return -2;
  return WEXITSTATUS(rc) == 127 ? -1 : WEXITSTATUS(rc);
}

// Sample lines whose name and label set (order ignored) appear more than once.
std::vector<std::string> DuplicateSeries(const std::string& text) {
  std::set<std::string> seen;
  std::vector<std::string> dups;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    // name{labels} value: labels as written by our writers (no '}' inside values here).
    size_t brace = line.find('{');
    size_t space = line.rfind(' ');
    std::string name(line.substr(0, brace == absl::string_view::npos ? space : brace));
    std::vector<std::string> labels;
    if (brace != absl::string_view::npos) {
      size_t close = line.rfind('}');
      for (absl::string_view l :
           absl::StrSplit(line.substr(brace + 1, close - brace - 1), "\",", absl::SkipEmpty())) {
        labels.emplace_back(l);
        if (labels.back().back() != '"') labels.back().push_back('"');
      }
    }
    std::sort(labels.begin(), labels.end());
    std::string key = name;
    for (const std::string& l : labels) absl::StrAppend(&key, "|", l);
    if (!seen.insert(key).second) dups.emplace_back(line);
  }
  return dups;
}

TEST_CASE("Every label rejection case leaves /metrics parseable and free of duplicate series",
          "[integration][ingest][labels]") {
  alerting::testing::Harness h(kRules);
  HostStoreOptions opts;
  opts.allowed_static_labels = {"dc"};
  HostStore store(opts, &h.clock);
  store.AddObserver(h.engine.get());
  CollectorMetrics metrics;
  IngestService service(&store, &metrics);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  REQUIRE(port != 0);

  // The victim: one good batch, then its stream is lost and HostDown fires for it.
  Result r = Exchange(port, {Hello("victim", {{"dc", "fra1"}}), Batch(1, "node_load1", {{}}, 9)});
  REQUIRE(r.status.ok());
  // The server detaches the stream after the client saw it end.
  for (int i = 0; i < 1000 && store.connected_streams() > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE(store.connected_streams() == 0);
  h.Tick(absl::Seconds(31));
  REQUIRE(h.Find("HostDown") != nullptr);
  REQUIRE(h.Find("HostDown")->state == alerting::AlertState::kFiring);

  // Static labels the collector sets itself, or that its policy does not allow: the Hello is
  // rejected, nothing attaches (HostDown keeps firing).
  for (const auto& [name, value] :
       std::vector<std::pair<std::string, std::string>>{{"alertstate", "firing"},
                                                        {"alertname", "x"},
                                                        {"severity", "none"},
                                                        {"rule", "x"},
                                                        {"job", "evil"},
                                                        {"instance", "other"},
                                                        {"__name__", "x"},
                                                        {"zone", "a"}}) {
    INFO(name);
    r = Exchange(port, {Hello("victim", {{name, value}}), Batch(2, "node_load1", {{}}, 0)});
    CHECK(r.status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK_THAT(r.status.error_message(), Catch::Contains("hello.static_labels[0]"));
    CHECK_THAT(r.status.error_message(), Catch::Contains("\"" + name + "\""));
  }
  CHECK(metrics.RejectedMessages("invalid_hello").Value() == 8);
  CHECK(metrics.RejectedStreams("invalid_hello").Value() == 8);
  CHECK(h.Find("HostDown")->state == alerting::AlertState::kFiring);

  // Series definitions: each bad batch gets a Rejection naming the series; the good one an ack.
  using Labels = std::vector<std::pair<std::string, std::string>>;
  const std::vector<std::pair<std::vector<Labels>, std::string>> bad = {
      {{{{"instance", "victim"}}}, "m{instance=\"victim\"}"},
      {{{{"job", "node"}}}, "m{job=\"node\"}"},
      {{{{"alertstate", "firing"}}}, "m{alertstate=\"firing\"}"},
      {{{{"severity", "x"}}}, "m{severity=\"x\"}"},
      {{{{"dc", "other"}}}, "m{dc=\"other\"}"},
      {{{{"b", "1"}, {"a", "2"}}}, "m{b=\"1\",a=\"2\"}"},
      {{{{"a", "2"}, {"a", "3"}}}, "m{a=\"2\",a=\"3\"}"},
      {{{{"a", "2"}, {"b", "1"}}, {{"a", "2"}, {"b", "1"}}}, "m{a=\"2\",b=\"1\"}"},
  };
  std::vector<pb::AgentMessage> msgs = {Hello("h2", {{"dc", "fra1"}})};
  uint64_t seq = 1;
  for (const auto& [series, text] : bad) msgs.push_back(Batch(seq++, "m", series, 1));
  msgs.push_back(Batch(seq, "m", {{{"a", "2"}, {"b", "1"}}}, 7));
  r = Exchange(port, msgs);
  CHECK(r.status.ok());
  std::map<uint64_t, std::string> rejections;
  std::set<uint64_t> acked;
  for (const pb::CollectorMessage& m : r.replies) {
    if (m.has_rejection()) rejections[m.rejection().sequence()] = m.rejection().reason();
    for (uint64_t s : m.ack().sequences()) acked.insert(s);
  }
  REQUIRE(rejections.size() == bad.size());
  for (size_t i = 0; i < bad.size(); ++i) {
    INFO(bad[i].second);
    CHECK_THAT(rejections[i + 1], Catch::Contains(bad[i].second));
  }
  CHECK(acked == std::set<uint64_t>{seq});
  CHECK(metrics.RejectedMessages("invalid_batch").Value() == static_cast<double>(bad.size()));

  // /metrics as the collector writes it.
  std::string text = prometheus::TextSerializer().Serialize(metrics.registry().Collect());
  store.WriteExposition(&text);
  h.engine->WriteExposition(&text);
  CHECK_THAT(text,
             Catch::Contains("m{a=\"2\",b=\"1\",dc=\"fra1\",instance=\"h2\",job=\"node\"} 7"));
  CHECK_THAT(text, Catch::Contains("hostmon_alerts{alertname=\"HostDown\",alertstate=\"firing\""));
  CHECK(DuplicateSeries(text).empty());
  testing::ScopedTempDir dir;
  const std::string file = dir.File("metrics.txt");
  std::ofstream(file) << text;
  int rc = PromtoolCheck(file);
  if (rc == -1) {
    WARN("promtool not installed (Debian package prometheus): strict parse not checked");
  } else {
    std::ifstream out(file + ".out");
    std::string findings((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>());
    INFO(findings);
    CHECK((rc == 0 || rc == 3));  // 3: lint findings only, the text parsed
  }
  server->Shutdown(std::chrono::system_clock::now());
}

TEST_CASE("The duplicate-series check of the rejection test finds duplicates",
          "[integration][ingest][labels]") {
  CHECK(DuplicateSeries("a{x=\"1\",y=\"2\"} 1\na{y=\"2\",x=\"1\"} 2\n").size() == 1);
  CHECK(DuplicateSeries("a 1\na 2\n").size() == 1);
  CHECK(DuplicateSeries("# HELP a x\na{x=\"1\"} 1\na{x=\"2\"} 1\nb 1\n").empty());
}

}  // namespace
}  // namespace hostmon::collector
