// SPDX-License-Identifier: Apache-2.0
//
// The collector's remote_write section: a list of receivers, each with its own queue. Names and
// defaults follow Prometheus's remote_write/queue_config where the concept is the same.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "collector/label_pairs.h"
#include "common/yaml_config.h"

namespace hostmon::collector::remote_write {

struct RemoteWriteConfig {
  std::string url;  // http:// or https://, e.g. http://prometheus:9090/api/v1/write
  absl::Duration remote_timeout = absl::Seconds(30);  // per HTTP request
  // Samples queued (not yet delivered) before agent streams are paused (wait_for_delivery) or
  // new samples are dropped and counted (otherwise).
  size_t capacity = 100000;
  size_t max_samples_per_send = 2000;
  absl::Duration batch_send_deadline = absl::Seconds(5);  // longest a sample waits for a full send
  absl::Duration min_backoff = absl::Milliseconds(30);
  absl::Duration max_backoff = absl::Seconds(5);
  // Acknowledge a batch to its agent only once this receiver accepted (or permanently rejected)
  // its samples, so the agent's spool, not collector memory, holds undelivered data.
  bool wait_for_delivery = true;
  std::string basic_auth_username;
  std::string basic_auth_password_file;
  std::string bearer_token_file;
  std::string tls_ca_file;
  bool tls_insecure_skip_verify = false;
  std::map<std::string, std::string> headers;

  // The URL without user info, query or fragment: safe for logs and the `url` metric label.
  std::string DisplayName() const;
};

// Reads the list under the `remote_write` key (`list` is that node); errors name file:line:field.
absl::Status LoadRemoteWriteConfigs(const common::YamlConfig& y, const YAML::Node& list,
                                    std::vector<RemoteWriteConfig>* out);
absl::Status ValidateRemoteWriteConfig(const RemoteWriteConfig& c);

// The top-level `external_labels` map (Prometheus's global.external_labels): labels added to every
// series the collector remote-writes, so that one TSDB fed by many collectors can tell them apart
// (`cluster`) and deduplicate HA pairs (`__replica__`, the label Mimir/Cortex's HA tracker and
// VictoriaMetrics' -dedup settings expect). Returned sorted by name.
absl::Status LoadExternalLabels(const common::YamlConfig& y, const YAML::Node& root,
                                LabelPairs* out);
// Valid label names (not __name__), non-empty values of at most 4096 bytes of UTF-8.
absl::Status ValidateExternalLabels(const LabelPairs& labels);

}  // namespace hostmon::collector::remote_write
