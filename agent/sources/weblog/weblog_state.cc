// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/weblog/weblog_state.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/fs_root.h"
#include "nlohmann/json.hpp"

namespace hostmon::agent::weblog {

void LogCounters::Observe(double seconds) {
  size_t i = 0;
  while (i < kBuckets.size() && seconds > kBuckets[i]) ++i;
  ++buckets[i];
  duration_sum += seconds;
}

bool LogCounters::operator==(const LogCounters& o) const {
  return std::memcmp(requests, o.requests, sizeof(requests)) == 0 &&
         std::memcmp(buckets, o.buckets, sizeof(buckets)) == 0 && duration_sum == o.duration_sum &&
         malformed == o.malformed && bytes_read == o.bytes_read && rotations == o.rotations &&
         read_errors == o.read_errors;
}

std::string EncodeState(const WeblogState& state) {
  nlohmann::json logs = nlohmann::json::object();
  for (const auto& [name, s] : state) {
    nlohmann::json j;
    j["path"] = absl::CEscape(s.path);
    if (s.has_position) {
      j["dev"] = s.position.dev;
      j["ino"] = s.position.ino;
      j["offset"] = s.position.offset;
      j["skipping"] = s.position.skipping;
    }
    const LogCounters& c = s.counters;
    nlohmann::json requests = nlohmann::json::object();
    for (int sc = 0; sc < kNumStatusClasses; ++sc) {
      for (int m = 0; m < kNumMethods; ++m) {
        if (c.requests[sc][m] != 0) {
          requests[absl::StrCat(kStatusClasses[sc], " ", kMethods[m])] = c.requests[sc][m];
        }
      }
    }
    j["requests"] = std::move(requests);
    j["buckets"] = c.buckets;
    j["duration_sum"] = c.duration_sum;
    j["malformed"] = c.malformed;
    j["bytes_read"] = c.bytes_read;
    j["rotations"] = c.rotations;
    j["read_errors"] = c.read_errors;
    logs[name] = std::move(j);
  }
  nlohmann::json root = {{"version", 1}, {"logs", std::move(logs)}};
  // Log names are valid UTF-8 (checked when the config is loaded); replace keeps dump() from
  // throwing whatever happens.
  return root.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

absl::StatusOr<WeblogState> DecodeState(const std::string& text, const std::string& file) {
  const nlohmann::json root = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  const std::string where = absl::StrCat("weblog state file ", absl::CEscape(file), ": ");
  if (root.is_discarded() || !root.is_object()) {
    return absl::InvalidArgumentError(where + "not a JSON object");
  }
  WeblogState out;
  try {
    if (root.value("version", 0) != 1) {
      return absl::InvalidArgumentError(where + "unknown version");
    }
    const nlohmann::json& logs = root.at("logs");
    for (auto it = logs.begin(); it != logs.end(); ++it) {
      const nlohmann::json& j = it.value();
      LogState s;
      std::string error;
      if (!absl::CUnescape(j.at("path").get<std::string>(), &s.path, &error)) {
        return absl::InvalidArgumentError(where + "bad path: " + error);
      }
      if (j.contains("offset")) {
        s.has_position = true;
        s.position.dev = j.at("dev").get<uint64_t>();
        s.position.ino = j.at("ino").get<uint64_t>();
        s.position.offset = j.at("offset").get<uint64_t>();
        s.position.skipping = j.at("skipping").get<bool>();
      }
      LogCounters& c = s.counters;
      for (auto r = j.at("requests").begin(); r != j.at("requests").end(); ++r) {
        const std::string& key = r.key();
        bool found = false;
        for (int sc = 0; sc < kNumStatusClasses && !found; ++sc) {
          for (int m = 0; m < kNumMethods && !found; ++m) {
            if (key == absl::StrCat(kStatusClasses[sc], " ", kMethods[m])) {
              c.requests[sc][m] = r.value().get<uint64_t>();
              found = true;
            }
          }
        }
        if (!found) return absl::InvalidArgumentError(where + "unknown request key " + key);
      }
      const nlohmann::json& buckets = j.at("buckets");
      if (!buckets.is_array() || buckets.size() != kBuckets.size() + 1) {
        return absl::InvalidArgumentError(where + "buckets: wrong count");
      }
      for (size_t i = 0; i < buckets.size(); ++i) c.buckets[i] = buckets[i].get<uint64_t>();
      c.duration_sum = j.at("duration_sum").get<double>();
      c.malformed = j.at("malformed").get<uint64_t>();
      c.bytes_read = j.at("bytes_read").get<uint64_t>();
      c.rotations = j.at("rotations").get<uint64_t>();
      c.read_errors = j.at("read_errors").get<uint64_t>();
      out[it.key()] = std::move(s);
    }
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(where + e.what());
  }
  return out;
}

absl::StatusOr<WeblogState> ReadStateFile(const std::string& path) {
  std::string text;
  absl::Status status = common::ReadFileTo(path, &text);
  if (!status.ok()) return status;
  return DecodeState(text, path);
}

absl::Status WriteStateFile(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot write ", absl::CEscape(tmp), ": ", std::strerror(errno)));
  }
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = errno;
      ::close(fd);
      return absl::UnavailableError(
          absl::StrCat("cannot write ", absl::CEscape(tmp), ": ", std::strerror(err)));
    }
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::UnavailableError(absl::StrCat("cannot rename ", absl::CEscape(tmp), " to ",
                                               absl::CEscape(path), ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace hostmon::agent::weblog
