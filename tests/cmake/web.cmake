# SPDX-License-Identifier: Apache-2.0
# The collector's web port: TLS and basic auth from --web.config.file with a real Prometheus
# scraping through them (and 401 without or with wrong credentials); 100 idle and slowloris
# connections that must not stop /metrics and /-/healthy from answering within 1 s; a slow client
# reading a streamed /metrics of 300 simulated hosts (hostmon-loadgen) while their acks keep flowing,
# and the streamed /metrics over TLS.
add_test(NAME e2e.web_auth
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/web_auth_test.py
          --bin-dir ${HOSTMON_BIN_DIR} --pki ${CMAKE_SOURCE_DIR}/scripts/pki)
set_tests_properties(e2e.web_auth PROPERTIES TIMEOUT 90 RESOURCE_LOCK loopback_peers LABELS e2e)
add_test(NAME fault.web_slowloris
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/web_slowloris_test.py
          --bin-dir ${HOSTMON_BIN_DIR})
set_tests_properties(fault.web_slowloris PROPERTIES TIMEOUT 70 RESOURCE_LOCK loopback_peers
  LABELS fault)
add_test(NAME e2e.scrape_stream
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/scrape_stream_test.py
          --bin-dir ${HOSTMON_BIN_DIR} --pki ${CMAKE_SOURCE_DIR}/scripts/pki)
set_tests_properties(e2e.scrape_stream PROPERTIES TIMEOUT 90 RESOURCE_LOCK loopback_peers
  LABELS e2e)
