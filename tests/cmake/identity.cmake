# SPDX-License-Identifier: Apache-2.0
# Agent identity with a real mTLS setup (scripts/pki): a certificate may only claim the host
# names its identity mapping allows; an impostor is rejected and the real host's series stay.
add_test(NAME e2e.identity
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/identity_test.py
          --bin-dir ${HOSTMON_BIN_DIR} --pki ${CMAKE_SOURCE_DIR}/scripts/pki)
set_tests_properties(e2e.identity PROPERTIES TIMEOUT 120 RESOURCE_LOCK loopback_peers LABELS e2e)
