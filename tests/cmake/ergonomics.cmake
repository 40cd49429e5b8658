# SPDX-License-Identifier: Apache-2.0
# Operator ergonomics: --check-config refuses exactly what a start refuses, with the same exit
# code and error line, for both binaries; good configs pass both; --version prints one line
# (tests/tools/check_config_parity.py). No peers: starts bind loopback port 0 only.
add_test(NAME config.check_parity
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/tools/check_config_parity.py
          --agent ${HOSTMON_BIN_DIR}/hostmon-agent --collector ${HOSTMON_BIN_DIR}/hostmon-collector)
set_tests_properties(config.check_parity PROPERTIES TIMEOUT 180 LABELS unit)

# SIGHUP reload of the agent's configuration: a good file applies in the same process, a bad one
# (unknown key, unknown source option) and one that cannot start (mesh port taken) keep the
# running configuration; every batch applied exactly once across the reloads.
add_test(NAME e2e.agent_reload
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/reload_test.py
          --bin-dir ${HOSTMON_BIN_DIR})
set_tests_properties(e2e.agent_reload PROPERTIES TIMEOUT 120 LABELS e2e
  RESOURCE_LOCK loopback_peers)
