# SPDX-License-Identifier: Apache-2.0
# Issue 5 (SMART source, slow tier): awesome-prometheus-alerts' smartctl_exporter rules evaluated
# by a real Prometheus against hostmon fed by the stand-in smartctl.
add_test(NAME compat.smart_rules
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/compat/smart_rules.py
          --bin-dir ${HOSTMON_BIN_DIR})
set_tests_properties(compat.smart_rules PROPERTIES TIMEOUT 120 RESOURCE_LOCK loopback_peers)
# A hung smartctl in a running agent: /proc pace kept, success 0, no pile-up, nothing left behind,
# prompt shutdown.
add_test(NAME e2e.smart_hang
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/smart_hang_test.py
          --bin-dir ${HOSTMON_BIN_DIR})
set_tests_properties(e2e.smart_hang PROPERTIES TIMEOUT 90 RESOURCE_LOCK loopback_peers)
