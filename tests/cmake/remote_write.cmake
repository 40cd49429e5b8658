# SPDX-License-Identifier: Apache-2.0
# Collector remote write (issue 6): a real Prometheus with --web.enable-remote-write-receiver plus
# a recording receiver (tests/e2e/rw_receiver.py) that counts duplicates.
add_test(NAME e2e.remote_write
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/remote_write_test.py
          --bin-dir ${HOSTMON_BIN_DIR} --scenario basic)
set_tests_properties(e2e.remote_write PROPERTIES TIMEOUT 60 RESOURCE_LOCK loopback_peers
  LABELS e2e)
# Issue 6's headline fault test: collector SIGKILLed for 60 s while the agent collects at 1 s;
# every sample of the outage reaches the receivers with its original timestamp, 0 missing,
# 0 duplicated. The agent runs with its on-disk spool (newest-first replay). The one test allowed to take longer than 2 minutes (<= 150 s).
add_test(NAME fault.collector_outage_remote_write
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/remote_write_test.py
          --bin-dir ${HOSTMON_BIN_DIR} --scenario collector_outage
          "--agent-spool-flag=--spool.directory={dir}")
set_tests_properties(fault.collector_outage_remote_write PROPERTIES TIMEOUT 150
  RESOURCE_LOCK loopback_peers LABELS fault)
# Receiver errors: 503 retried until accepted (nothing missing); 400 not retried, counted exactly.
add_test(NAME e2e.remote_write_receiver_errors
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/remote_write_test.py
          --bin-dir ${HOSTMON_BIN_DIR} --scenario receiver_errors)
set_tests_properties(e2e.remote_write_receiver_errors PROPERTIES TIMEOUT 60
  RESOURCE_LOCK loopback_peers LABELS fault)
# HTTPS with a private CA, bearer token / basic auth from files, extra headers, untrusted server.
add_test(NAME e2e.remote_write_auth_tls
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/remote_write_test.py
          --bin-dir ${HOSTMON_BIN_DIR} --scenario auth_tls)
set_tests_properties(e2e.remote_write_auth_tls PROPERTIES TIMEOUT 60 RESOURCE_LOCK loopback_peers
  LABELS e2e)
# A real single-node VictoriaMetrics as the receiver, with external_labels (cluster, __replica__):
# collector SIGKILLed for 20 s while the agent spools; the raw export holds every collection once.
add_test(NAME e2e.remote_write_victoria_metrics
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/remote_write_test.py
          --bin-dir ${HOSTMON_BIN_DIR} --scenario victoria_metrics
          "--agent-spool-flag=--spool.directory={dir}")
set_tests_properties(e2e.remote_write_victoria_metrics PROPERTIES TIMEOUT 110
  RESOURCE_LOCK loopback_peers LABELS fault)
# Many collectors, one TSDB: 3 collectors, 30 agents spread by rendezvous hashing
# (--collector.order=hash), a real VictoriaMetrics; one collector killed, only its hosts move,
# every host's grid complete in VictoriaMetrics.
add_test(NAME e2e.multi_collector
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/multi_collector_test.py
          --bin-dir ${HOSTMON_BIN_DIR})
set_tests_properties(e2e.multi_collector PROPERTIES TIMEOUT 110 RESOURCE_LOCK loopback_peers
  LABELS fault)
# The fleet benchmark (tests/bench/fleet.py with hostmon-loadgen), tiny: it runs and prints.
add_test(NAME bench.fleet_smoke
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/bench/fleet.py
          --bin-dir ${HOSTMON_BIN_DIR} --smoke)
set_tests_properties(bench.fleet_smoke PROPERTIES TIMEOUT 90 RESOURCE_LOCK loopback_peers
  LABELS bench)
