# SPDX-License-Identifier: Apache-2.0
# IPMI source against a real RMCP+ peer (OpenIPMI's ipmi_sim on loopback, ports chosen at run
# time, stopped by PID): tests/ipmi/. ipmi.sim: read all sensors, change one at run time, freeze
# the BMC (SIGSTOP) to hit the deadline, recover. ipmi.alert_rules: awesome-prometheus-alerts'
# ipmi-exporter rules in a real Prometheus fed by hostmon.
add_test(NAME ipmi.sim
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/ipmi/ipmi_sim_test.py
          --bin-dir ${HOSTMON_BIN_DIR})
set_tests_properties(ipmi.sim PROPERTIES TIMEOUT 100 RESOURCE_LOCK loopback_peers LABELS e2e)
add_test(NAME ipmi.alert_rules
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/ipmi/ipmi_rules_test.py
          --bin-dir ${HOSTMON_BIN_DIR})
set_tests_properties(ipmi.alert_rules PROPERTIES TIMEOUT 100 RESOURCE_LOCK loopback_peers
  LABELS compat)
# The benchmark runs end to end (figures printed, not asserted).
add_test(NAME bench.ipmi_smoke
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/bench/ipmi_bench.py
          --bin-dir ${HOSTMON_BIN_DIR} --runs 3)
set_tests_properties(bench.ipmi_smoke PROPERTIES TIMEOUT 60 RESOURCE_LOCK loopback_peers
  LABELS bench)
# A frozen BMC (SIGSTOP) in a running agent streaming to a collector: ipmi_up 0, values dropped,
# and the agent's batches keep the pace of its interval (needs the slow tier).
add_test(NAME ipmi.pace
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/ipmi/ipmi_pace_test.py
          --bin-dir ${HOSTMON_BIN_DIR})
set_tests_properties(ipmi.pace PROPERTIES TIMEOUT 80 RESOURCE_LOCK loopback_peers LABELS fault)
