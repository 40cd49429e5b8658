# SPDX-License-Identifier: Apache-2.0
# The collector's fleet page in headless Chromium (Debian package chromium), plus the routes and
# 404 for unknown paths.
add_test(NAME e2e.fleet_page
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/fleet_page_test.py
          --bin-dir ${HOSTMON_BIN_DIR})
set_tests_properties(e2e.fleet_page PROPERTIES TIMEOUT 90 RESOURCE_LOCK loopback_peers LABELS e2e)
