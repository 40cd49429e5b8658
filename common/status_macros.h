// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Propagates a non-OK absl::Status to the caller.
#define HM_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::absl::Status _hm_status = (expr);      \
    if (!_hm_status.ok()) return _hm_status; \
  } while (0)

#define HM_CONCAT_INNER(a, b) a##b
#define HM_CONCAT(a, b) HM_CONCAT_INNER(a, b)

// `HM_ASSIGN_OR_RETURN(auto x, F());` assigns the value of an absl::StatusOr or returns its error.
#define HM_ASSIGN_OR_RETURN(lhs, expr) \
  HM_ASSIGN_OR_RETURN_IMPL(HM_CONCAT(_hm_statusor_, __LINE__), lhs, expr)
#define HM_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.status();            \
  lhs = std::move(tmp).value()
