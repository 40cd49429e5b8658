# SPDX-License-Identifier: Apache-2.0
# weblog source: error rate from a real nginx's access log through the collector's shipped
# WebHighErrorRate rule to a real Alertmanager; and the parse benchmark.
add_test(NAME e2e.weblog
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/weblog_e2e_test.py
          --bin-dir ${HOSTMON_BIN_DIR})
set_tests_properties(e2e.weblog PROPERTIES TIMEOUT 150 RESOURCE_LOCK loopback_peers LABELS e2e)
# Parse throughput: built-in parser vs a naive RE2 loop (tests/bench/weblog_bench_test.cc).
add_test(NAME bench.weblog_smoke COMMAND $<TARGET_FILE:hostmon_unit_tests> "[weblog_bench]")
set_tests_properties(bench.weblog_smoke PROPERTIES TIMEOUT 120 LABELS bench)
