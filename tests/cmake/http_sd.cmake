# SPDX-License-Identifier: Apache-2.0
# Per-host targets: a real Prometheus with the shipped deploy/prometheus/prometheus.yml discovers
# every host through the collector's /api/v1/targets; a killed agent's up{job="node"} drops to 0.
add_test(NAME e2e.http_sd
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/http_sd_test.py
          --bin-dir ${HOSTMON_BIN_DIR})
set_tests_properties(e2e.http_sd PROPERTIES TIMEOUT 90 RESOURCE_LOCK loopback_peers LABELS e2e)
# hashmod sharding as docs/prometheus.md shows it: two real Prometheus servers split the hosts.
add_test(NAME e2e.http_sd_shards
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/http_sd_shard_test.py
          --bin-dir ${HOSTMON_BIN_DIR})
set_tests_properties(e2e.http_sd_shards PROPERTIES TIMEOUT 90 RESOURCE_LOCK loopback_peers
  LABELS e2e)
