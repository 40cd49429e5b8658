# SPDX-License-Identifier: Apache-2.0
# The user documentation matches the code: flag tables of docs/configuration.md vs both binaries'
# --help, the source table of docs/sources.md vs the agent's source switches and defaults, every
# docs/*.md page linked from README.md, local links and anchors resolve, no issue numbers in user
# docs (tests/tools/check_docs.py).
add_test(NAME docs.tables
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/tools/check_docs.py
          --agent ${HOSTMON_BIN_DIR}/hostmon-agent --collector ${HOSTMON_BIN_DIR}/hostmon-collector
          --root ${CMAKE_SOURCE_DIR})
set_tests_properties(docs.tables PROPERTIES TIMEOUT 60 LABELS unit)
