# SPDX-License-Identifier: Apache-2.0
# Issue 4 (alerting): end to end with a real Alertmanager, and the latency benchmark's smoke run.
add_test(NAME e2e.alerting
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/alerting_e2e_test.py
          --bin-dir ${HOSTMON_BIN_DIR})
add_test(NAME e2e.alerting_delivery
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/alerting_delivery_test.py
          --bin-dir ${HOSTMON_BIN_DIR})
add_test(NAME e2e.alerting_restart
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/alerting_restart_test.py
          --bin-dir ${HOSTMON_BIN_DIR})
add_test(NAME bench.alert_latency_smoke
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/bench/alert_latency.py --smoke
          --bin-dir ${HOSTMON_BIN_DIR})
set_tests_properties(e2e.alerting e2e.alerting_delivery e2e.alerting_restart
  bench.alert_latency_smoke PROPERTIES
  TIMEOUT 120 RESOURCE_LOCK loopback_peers)
set_tests_properties(e2e.alerting e2e.alerting_delivery PROPERTIES LABELS e2e)
set_tests_properties(e2e.alerting_restart PROPERTIES LABELS fault)
set_tests_properties(bench.alert_latency_smoke PROPERTIES LABELS bench)
# The shipped default rules must pass the collector's own check.
add_test(NAME config.default_rules
  COMMAND ${HOSTMON_BIN_DIR}/hostmon-collector --check-rules ${CMAKE_SOURCE_DIR}/deploy/config/rules.yml)
set_tests_properties(config.default_rules PROPERTIES TIMEOUT 30 LABELS unit)
