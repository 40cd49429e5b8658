# SPDX-License-Identifier: Apache-2.0
# The peer latency mesh end to end: a collector, four agents on distinct loopback addresses and a
# delaying proxy in front of one responder (tests/e2e/mesh_test.py).
add_test(NAME e2e.mesh
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/mesh_test.py
          --bin-dir ${HOSTMON_BIN_DIR})
set_tests_properties(e2e.mesh PROPERTIES TIMEOUT 120 RESOURCE_LOCK loopback_peers LABELS e2e)
