# SPDX-License-Identifier: Apache-2.0
# Issue 6, agent side: spool fault tests (tests/e2e/spool_test.py), each bounded well under 2 min;
# enospc: the spool's filesystem (a real 128 KiB tmpfs) fills and drains, the spool heals.
foreach(_case kill cap corrupt enospc failover)
  add_test(NAME e2e.spool_${_case}
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/spool_test.py
            --bin-dir ${HOSTMON_BIN_DIR} --case ${_case})
  # enospc mounts a small tmpfs in a private mount namespace: 77 (skipped) without root.
  set_tests_properties(e2e.spool_${_case} PROPERTIES TIMEOUT 110 RESOURCE_LOCK loopback_peers
    LABELS fault SKIP_RETURN_CODE 77)
endforeach()
# Spool write cost and replay throughput (prints figures; asserts nothing about speed).
add_test(NAME bench.spool COMMAND hostmon_unit_tests "[spool_bench]")
set_tests_properties(bench.spool PROPERTIES TIMEOUT 120 RESOURCE_LOCK loopback_peers
  LABELS bench)
