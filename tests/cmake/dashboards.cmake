# SPDX-License-Identifier: Apache-2.0
# Grafana dashboards (deploy/grafana/) and Prometheus rules (deploy/prometheus/hostmon-*.yml)
# for Prometheus users; docs/dashboards.md.

# promtool validates the rule files and runs their unit tests (tests/prometheus/*.test.yml:
# each alert fires on its trouble and stays silent otherwise; each recording rule's value).
add_test(NAME lint.prometheus_rules
  COMMAND sh -c "promtool check rules \"$1\"/hostmon-alerts.yml \"$1\"/hostmon-recording.yml && promtool test rules \"$2\"/*.test.yml"
          prometheus_rules ${CMAKE_SOURCE_DIR}/deploy/prometheus
          ${CMAKE_CURRENT_SOURCE_DIR}/prometheus)
# The dashboards' JSON structure (Grafana is not packaged in Debian 12, so nothing loads them
# here): generated from generate_dashboards.py, ids, datasource, variables, recording rules.
add_test(NAME lint.dashboards
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/dashboards/check_dashboards.py)
set_tests_properties(lint.prometheus_rules lint.dashboards PROPERTIES TIMEOUT 30 LABELS unit)

# Every query of every shipped dashboard against a real Prometheus fed by hostmon, with the
# test Redfish service, the test BMC (ipmi_sim) and a real Alertmanager so the hardware and
# alerting panels have data. HOSTMON_DASHBOARDS_MIN_PASS: queries that return data on the CI
# machine (a VM without SMART disks, hwmon, EDAC or probes; the test lists why for each query
# without data).
set(HOSTMON_DASHBOARDS_MIN_PASS 159 CACHE STRING
    "e2e.dashboards: minimum number of hostmon dashboard queries returning data")
add_test(NAME e2e.dashboards
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/dashboards/dashboard_queries_test.py
          --bin-dir ${HOSTMON_BIN_DIR} --min-pass ${HOSTMON_DASHBOARDS_MIN_PASS}
          --redfish --ipmi-sim --alertmanager)
set_tests_properties(e2e.dashboards PROPERTIES TIMEOUT 150 RESOURCE_LOCK loopback_peers LABELS e2e)
