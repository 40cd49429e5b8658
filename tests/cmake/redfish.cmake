# SPDX-License-Identifier: Apache-2.0
# Redfish source against our Redfish test server (tests/tools/redfish_server.py) serving the DMTF
# mockups of tests/fixtures/redfish/, read by the real agent (--once). One CTest per scenario;
# the BMC misbehaving (slow, failing, garbage, hung) is the fault tier.
foreach(scenario legacy new_only both drives slow error garbage auth tls slow_tier)
  add_test(NAME redfish.${scenario}
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/redfish/redfish_test.py
            --bin-dir ${HOSTMON_BIN_DIR} --scenario ${scenario})
  if(scenario MATCHES "^(slow|error|garbage|slow_tier)$")
    set(_tier fault)
  else()
    set(_tier e2e)
  endif()
  set_tests_properties(redfish.${scenario} PROPERTIES TIMEOUT 60 RESOURCE_LOCK loopback_peers
    LABELS ${_tier})
endforeach()
# Smoke run of the benchmark script (figures are printed, never asserted).
add_test(NAME bench.redfish_smoke
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/bench/redfish_bench.py
          --bin-dir ${HOSTMON_BIN_DIR} --runs 1 --warm-s 3)
set_tests_properties(bench.redfish_smoke PROPERTIES TIMEOUT 60 RESOURCE_LOCK loopback_peers
  LABELS bench)
