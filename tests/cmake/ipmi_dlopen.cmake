# SPDX-License-Identifier: Apache-2.0
# FreeIPMI loaded with dlopen only when the ipmi source is on (not linked, not mapped by default
# agents; a missing library is a logged error, not a crash). Skipped (77) where unprivileged
# mount namespaces are unavailable for the missing-library half.
add_test(NAME ipmi.dlopen
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/ipmi/ipmi_dlopen_test.py
          --bin-dir ${HOSTMON_BIN_DIR})
set_tests_properties(ipmi.dlopen PROPERTIES TIMEOUT 60 SKIP_RETURN_CODE 77 LABELS e2e)
