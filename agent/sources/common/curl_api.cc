// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/common/curl_api.h"

#include "common/dynamic_library.h"

namespace hostmon::agent {

const CurlApi& Curl() {
  static const CurlApi* api = [] {
    auto* a = new CurlApi;
    // CURLOPT_PROTOCOLS_STR needs libcurl >= 7.85; Debian 12 ships 7.88.
    a->status = common::LoadDynamicLibrary(
        "HTTP (redfish, probe sources)", "libcurl.so.4", "libcurl4",
        {common::DynamicSymbol("curl_global_init", &a->global_init),
         common::DynamicSymbol("curl_easy_init", &a->easy_init),
         common::DynamicSymbol("curl_easy_reset", &a->easy_reset),
         common::DynamicSymbol("curl_easy_cleanup", &a->easy_cleanup),
         common::DynamicSymbol("curl_easy_setopt", &a->easy_setopt),
         common::DynamicSymbol("curl_easy_getinfo", &a->easy_getinfo),
         common::DynamicSymbol("curl_easy_perform", &a->easy_perform),
         common::DynamicSymbol("curl_easy_strerror", &a->easy_strerror),
         common::DynamicSymbol("curl_multi_init", &a->multi_init),
         common::DynamicSymbol("curl_multi_cleanup", &a->multi_cleanup),
         common::DynamicSymbol("curl_multi_setopt", &a->multi_setopt),
         common::DynamicSymbol("curl_multi_add_handle", &a->multi_add_handle),
         common::DynamicSymbol("curl_multi_remove_handle", &a->multi_remove_handle),
         common::DynamicSymbol("curl_multi_perform", &a->multi_perform),
         common::DynamicSymbol("curl_multi_poll", &a->multi_poll),
         common::DynamicSymbol("curl_multi_info_read", &a->multi_info_read),
         common::DynamicSymbol("curl_slist_append", &a->slist_append),
         common::DynamicSymbol("curl_slist_free_all", &a->slist_free_all)});
    if (!a->status.ok()) return a;
    if (a->global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      a->status = absl::InternalError("curl_global_init failed");
    }
    return a;
  }();
  return *api;
}

absl::Status InitCurlOnce() { return Curl().status; }

}  // namespace hostmon::agent
