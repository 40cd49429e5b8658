# SPDX-License-Identifier: Apache-2.0
# Rule engine (issue 4, engine part): its /metrics families (hostmon_alerts, hostmon_rule_value,
# ...) as written after evaluating the shipped default rules pass promtool's lint.
add_test(NAME lint.alerting_exposition
  COMMAND sh -c "HOSTMON_ALERTING_EXPOSITION_OUT=\"$3\" \"$1\" \"[alerting]\" >/dev/null && \"$2\" \"$3\"" lint
          $<TARGET_FILE:hostmon_unit_tests> ${CMAKE_CURRENT_SOURCE_DIR}/tools/check_exposition.sh
          ${CMAKE_CURRENT_BINARY_DIR}/alerting_exposition.prom)
set_tests_properties(lint.alerting_exposition PROPERTIES TIMEOUT 60 LABELS unit)
