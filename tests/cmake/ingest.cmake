# SPDX-License-Identifier: Apache-2.0
# The collector's gRPC ingest through the real binary: a definitions batch of 50,000 series (about
# 2 MB) arrives through the small per-connection reads while idle agents stay connected.
add_test(NAME e2e.ingest_read_sizes
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/ingest_read_sizes_test.py
          --bin-dir ${HOSTMON_BIN_DIR})
set_tests_properties(e2e.ingest_read_sizes PROPERTIES TIMEOUT 90 RESOURCE_LOCK loopback_peers
  LABELS e2e)
