// SPDX-License-Identifier: Apache-2.0
//
// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of spool records. Abseil
// 20220623 (Debian 12) has no absl/crc, so this is a small table-driven implementation; the test
// checks RFC 3720's vector (CRC32C("123456789") = 0xE3069283).
#pragma once

#include <cstddef>
#include <cstdint>

namespace hostmon::agent {

// Extends `crc` (0 for a fresh checksum) over `n` bytes.
uint32_t Crc32c(uint32_t crc, const void* data, size_t n);

}  // namespace hostmon::agent
