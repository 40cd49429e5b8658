// SPDX-License-Identifier: Apache-2.0
//
// libcurl for the sources that speak HTTP (redfish, probe), loaded with dlopen the first time one
// of them is switched on, never linked: linked, libcurl and the ~26 libraries it pulls in (LDAP,
// Kerberos, SSH, RTMP, ...) would add about 4 MB to the RSS of every agent, including the many
// that never read a BMC or probe a URL. One loader, one curl_global_init, for every user.
#pragma once

#include <curl/curl.h>

#include "absl/status/status.h"

namespace hostmon::agent {

// The libcurl functions the sources call. Valid only when status is OK.
struct CurlApi {
  decltype(&curl_global_init) global_init = nullptr;
  decltype(&curl_easy_init) easy_init = nullptr;
  decltype(&curl_easy_reset) easy_reset = nullptr;
  decltype(&curl_easy_cleanup) easy_cleanup = nullptr;
  decltype(&curl_easy_setopt) easy_setopt = nullptr;
  decltype(&curl_easy_getinfo) easy_getinfo = nullptr;
  decltype(&curl_easy_perform) easy_perform = nullptr;
  decltype(&curl_easy_strerror) easy_strerror = nullptr;
  decltype(&curl_multi_init) multi_init = nullptr;
  decltype(&curl_multi_cleanup) multi_cleanup = nullptr;
  decltype(&curl_multi_setopt) multi_setopt = nullptr;
  decltype(&curl_multi_add_handle) multi_add_handle = nullptr;
  decltype(&curl_multi_remove_handle) multi_remove_handle = nullptr;
  decltype(&curl_multi_perform) multi_perform = nullptr;
  decltype(&curl_multi_poll) multi_poll = nullptr;
  decltype(&curl_multi_info_read) multi_info_read = nullptr;
  decltype(&curl_slist_append) slist_append = nullptr;
  decltype(&curl_slist_free_all) slist_free_all = nullptr;
  // Why loading failed ("cannot load libcurl.so.4: ... (install package libcurl4)"), else OK.
  absl::Status status;
};

// Loads and initialises libcurl once (thread-safe); later calls return the same table.
const CurlApi& Curl();

// Curl().status: must be OK before any function of the table is called.
absl::Status InitCurlOnce();

}  // namespace hostmon::agent
