// SPDX-License-Identifier: Apache-2.0
//
// Where a Redfish walk gets its resources from: one method, so the walk is network-free (the
// source passes its HTTP client, redfish_http.h; tests serve the DMTF mockups from disk).
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace hostmon::agent::redfish {

class Fetcher {
 public:
  virtual ~Fetcher() = default;
  // GETs each service-relative path (in parallel where possible): the body of a 2xx response,
  // or an error naming the path.
  virtual std::vector<absl::StatusOr<std::string>> GetAll(
      const std::vector<std::string>& paths) = 0;
};

}  // namespace hostmon::agent::redfish
