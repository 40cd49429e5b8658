# SPDX-License-Identifier: Apache-2.0
# Agent file reads are bounded: a textfile directory with a symlink to /dev/zero, a FIFO and an
# oversized file; --once completes naming each, a running agent keeps sending and stops on SIGTERM.
add_test(NAME e2e.textfile_bounds
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/textfile_bounds_test.py
          --bin-dir ${HOSTMON_BIN_DIR})
set_tests_properties(e2e.textfile_bounds PROPERTIES TIMEOUT 90 RESOURCE_LOCK loopback_peers
  LABELS fault)
