# SPDX-License-Identifier: Apache-2.0
# node_exporter 1.12's own end-to-end test (its fixture host and expected output, copied into
# tests/fixtures/node_exporter/) run against `hostmon-agent --once`: every family hostmon exports
# matches in type, help, series and value unless tests/compat/node_exporter_gaps.txt lists why;
# prints `N identical, M differ, K not implemented`. No peers, no ports.
add_test(NAME compat.node_exporter_e2e
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/compat/node_exporter_e2e.py
          --bin-dir ${HOSTMON_BIN_DIR})
set_tests_properties(compat.node_exporter_e2e PROPERTIES TIMEOUT 120 LABELS compat)
