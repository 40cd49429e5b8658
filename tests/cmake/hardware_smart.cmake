# SPDX-License-Identifier: Apache-2.0
# Issue 5 (SMART source, slow tier): awesome-prometheus-alerts' smartctl_exporter rules evaluated
# by a real Prometheus against hostmon fed by the stand-in smartctl.
add_test(NAME compat.smart_rules
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/compat/smart_rules.py
          --bin-dir ${HOSTMON_BIN_DIR})
set_tests_properties(compat.smart_rules PROPERTIES TIMEOUT 120 RESOURCE_LOCK loopback_peers)
