# SPDX-License-Identifier: Apache-2.0
# Issue 5 (SMART source, slow tier): awesome-prometheus-alerts' smartctl_exporter rules evaluated
# by a real Prometheus against hostmon fed by the stand-in smartctl.
add_test(NAME compat.smart_rules
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/compat/smart_rules.py
          --bin-dir ${HOSTMON_BIN_DIR})
set_tests_properties(compat.smart_rules PROPERTIES TIMEOUT 120 RESOURCE_LOCK loopback_peers
  LABELS compat)
# A hung smartctl in a running agent: /proc pace kept, success 0, no pile-up, nothing left behind,
# prompt shutdown.
add_test(NAME e2e.smart_hang
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/smart_hang_test.py
          --bin-dir ${HOSTMON_BIN_DIR})
set_tests_properties(e2e.smart_hang PROPERTIES TIMEOUT 90 RESOURCE_LOCK loopback_peers
  LABELS fault)
# Issue 5's hardware benchmark end to end (figures printed, not asserted): SMART parse and
# collection, IPMI read (ipmi_sim), Redfish collection (public-rackmount1), extra RSS.
add_test(NAME bench.hardware_smoke
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/bench/hardware_bench.py
          --bin-dir ${HOSTMON_BIN_DIR} --unit-tests $<TARGET_FILE:hostmon_unit_tests>
          --runs 1 --rss-seconds 3)
set_tests_properties(bench.hardware_smoke PROPERTIES TIMEOUT 120 RESOURCE_LOCK loopback_peers
  LABELS bench)
