// SPDX-License-Identifier: Apache-2.0
//
// A stream's definitions by the agent's ref. Agents number refs densely from 1, so entries live in
// a vector indexed by ref (no hashing, no per-entry overhead); a ref far beyond the entries held
// (an unusual or hostile agent) goes to a hash map instead, so memory stays proportional to the
// definitions, never to the largest ref.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace hostmon::collector {

// T is default-constructible and tells an entry from an empty one by `explicit operator bool`.
template <typename T>
class RefMap {
 public:
  const T* find(uint32_t ref) const {
    if (ref < dense_.size()) return dense_[ref] ? &dense_[ref] : nullptr;
    auto it = sparse_.find(ref);
    return it != sparse_.end() ? &it->second : nullptr;
  }
  bool contains(uint32_t ref) const { return find(ref) != nullptr; }
  size_t size() const { return size_; }

  void insert_or_assign(uint32_t ref, T value) {
    if (ref >= dense_.size() && ref < kMaxDenseSlack + 2 * size_) {
      Grow(std::max<size_t>(ref + 1, dense_.size() + dense_.size() / 2));
    }
    if (ref < dense_.size()) {
      if (!dense_[ref]) size_++;
      dense_[ref] = std::move(value);
      return;
    }
    auto [it, added] = sparse_.insert_or_assign(ref, std::move(value));
    if (added) size_++;
  }

  // Before inserting `n` entries whose largest ref is `max_ref` (a batch of definitions): sizes
  // the vector for them at once, instead of growing it by half again along the way, which leaves
  // up to half of it unused (8 bytes per entry of a stream's series, for as long as it lasts).
  void reserve(uint32_t max_ref, size_t n) {
    if (max_ref >= dense_.size() && max_ref < kMaxDenseSlack + 2 * (size_ + n)) {
      Grow(size_t{max_ref} + 1);
    }
  }

  // Entries the vector has room for (refs below it), for tests.
  size_t dense_size() const { return dense_.size(); }

 private:
  // Refs up to this far beyond twice the entries held are kept in the vector.
  static constexpr size_t kMaxDenseSlack = 1024;

  void Grow(size_t size) {
    // Exactly: resize alone would double the capacity whenever that is more.
    dense_.reserve(size);
    dense_.resize(size);
    // Keep the invariant: a ref below dense_.size() is never in sparse_.
    for (auto it = sparse_.begin(); it != sparse_.end();) {
      if (it->first < dense_.size()) {
        dense_[it->first] = std::move(it->second);
        sparse_.erase(it++);
      } else {
        ++it;
      }
    }
  }

  std::vector<T> dense_;
  absl::flat_hash_map<uint32_t, T> sparse_;
  size_t size_ = 0;
};

}  // namespace hostmon::collector
