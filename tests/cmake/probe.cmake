# SPDX-License-Identifier: Apache-2.0
# The probe source run by the real agent against loopback peers (tests/probe/probe_test.py): bad
# targets (fault), TLS and ICMP (e2e), the comparison with blackbox_exporter 0.23 (compat); the
# response-time rule end to end with a real Alertmanager; the benchmark's smoke run.
foreach(scenario bad tls icmp compat)
  if(scenario STREQUAL "bad")
    set(_name fault.probe_bad_targets)
    set(_tier fault)
  elseif(scenario STREQUAL "compat")
    set(_name compat.probe_blackbox)
    set(_tier compat)
  else()
    set(_name e2e.probe_${scenario})
    set(_tier e2e)
  endif()
  add_test(NAME ${_name}
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/probe/probe_test.py
            --bin-dir ${HOSTMON_BIN_DIR} --scenario ${scenario})
  set_tests_properties(${_name} PROPERTIES TIMEOUT 90 RESOURCE_LOCK loopback_peers
    LABELS ${_tier})
endforeach()
add_test(NAME e2e.probe_response_time_alert
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/probe_alert_test.py
          --bin-dir ${HOSTMON_BIN_DIR})
set_tests_properties(e2e.probe_response_time_alert PROPERTIES TIMEOUT 90
  RESOURCE_LOCK loopback_peers LABELS e2e)
# Prints CPU per target per round and the side-by-side latency with blackbox_exporter.
add_test(NAME bench.probe_smoke
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/bench/probe_bench.py
          --bin-dir ${HOSTMON_BIN_DIR} --targets 20 --seconds 4 --probes 5)
set_tests_properties(bench.probe_smoke PROPERTIES TIMEOUT 90 RESOURCE_LOCK loopback_peers
  LABELS bench)
