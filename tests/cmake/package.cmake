# SPDX-License-Identifier: Apache-2.0
# Packaging and deployment: the Debian packages built, installed, run, removed and purged in a
# throwaway overlay root (tests/tools/package_test.sh; needs root, dpkg-dev, fakeroot; lintian
# when installed); scripts/pki's certificates used for mTLS by the binaries running as an
# unprivileged user with their keys delivered as systemd credentials.
add_test(NAME e2e.package
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/tools/package_test.sh ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR})
# 205 s measured on a 2-core machine loaded by parallel builds (CPack strips and splits the debug info
# of both binaries, lintian reads them); the timeout leaves room for more load.
set_tests_properties(e2e.package PROPERTIES TIMEOUT 600 LABELS e2e RUN_SERIAL ON
  SKIP_RETURN_CODE 77)
add_test(NAME e2e.pki_credentials
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/pki_credentials_test.py
          --bin-dir ${HOSTMON_BIN_DIR} --pki ${CMAKE_SOURCE_DIR}/scripts/pki)
set_tests_properties(e2e.pki_credentials PROPERTIES TIMEOUT 120 LABELS e2e
  RESOURCE_LOCK loopback_peers)
