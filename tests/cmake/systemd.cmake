# SPDX-License-Identifier: Apache-2.0
# The shipped systemd units: `systemd-analyze verify` clean, exposure scores of `systemd-analyze
# security --offline=true` within bounds (agent <= 1.7, collector <= 1.5), the agent with each
# opt-in drop-in scored and printed (tests/tools/check_units.py; docs/install.md quotes them).
add_test(NAME lint.systemd_units
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/tools/check_units.py
          --units ${CMAKE_SOURCE_DIR}/deploy/systemd --bin-dir ${HOSTMON_BIN_DIR})
set_tests_properties(lint.systemd_units PROPERTIES TIMEOUT 60 LABELS unit)
