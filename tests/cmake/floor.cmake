# SPDX-License-Identifier: Apache-2.0
# The floor benchmark (tests/bench/floor.py): the files one default collection opens (strace), a
# plain C reader over exactly those files, and the agent next to node_exporter. The smoke run
# checks only that every step runs and prints its table; no figure is asserted.
add_test(NAME bench.floor_smoke
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/bench/floor.py --smoke
          --build-dir ${CMAKE_BINARY_DIR})
set_tests_properties(bench.floor_smoke PROPERTIES TIMEOUT 90 RESOURCE_LOCK loopback_peers
  LABELS bench)
# hostmon-agent --debug.cost over the fixture tree: one row per default source, sums, bad flag.
add_test(NAME e2e.agent_debug_cost
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/debug_cost_test.py
          --bin-dir ${HOSTMON_BIN_DIR})
set_tests_properties(e2e.agent_debug_cost PROPERTIES TIMEOUT 60 LABELS e2e)
