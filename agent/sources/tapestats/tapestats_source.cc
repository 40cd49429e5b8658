// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/tapestats/tapestats_source.h"

#include <memory>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/dir_entries.h"
#include "common/status_macros.h"
#include "common/text_parse.h"
#include "re2/re2.h"

namespace hostmon::agent {
namespace {

struct TapeStat {
  absl::string_view file;  // in stats/
  MetricDesc desc;
  double scale;
};

// node_exporter 1.12's collector/tapestats_linux.go, help texts verbatim (its typos included).
constexpr TapeStat kStats[] = {
    {"in_flight",
     {"node_tape_io_now", kGauge, "The number of I/Os currently outstanding to this device."},
     1},
    {"io_ns",
     {"node_tape_io_time_seconds_total", kCounter,
      "The amount of time spent waiting for all I/O to complete (including read and write). This "
      "includes tape movement commands such as seeking between file or set marks and implicit "
      "tape movement such as when rewind on close tape devices are used."},
     1e-9},
    {"other_cnt",
     {"node_tape_io_others_total", kCounter,
      "The number of I/Os issued to the tape drive other than read or write commands. The time "
      "taken to complete these commands uses the following calculation "
      "io_time_seconds_total-read_time_seconds_total-write_time_seconds_total"},
     1},
    {"read_byte_cnt",
     {"node_tape_read_bytes_total", kCounter, "The number of bytes read from the tape drive."},
     1},
    {"read_cnt",
     {"node_tape_reads_completed_total", kCounter,
      "The number of read requests issued to the tape drive."},
     1},
    {"read_ns",
     {"node_tape_read_time_seconds_total", kCounter,
      "The amount of time spent waiting for read requests to complete."},
     1e-9},
    {"resid_cnt",
     {"node_tape_residual_total", kCounter,
      "The number of times during a read or write we found the residual amount to be non-zero. "
      "This should mean that a program is issuing a read larger thean the block size on tape. "
      "For write not all data made it to tape."},
     1},
    {"write_byte_cnt",
     {"node_tape_written_bytes_total", kCounter, "The number of bytes written to the tape drive."},
     1},
    {"write_cnt",
     {"node_tape_writes_completed_total", kCounter,
      "The number of write requests issued to the tape drive."},
     1},
    {"write_ns",
     {"node_tape_write_time_seconds_total", kCounter,
      "The amount of time spent waiting for write requests to complete."},
     1e-9},
};

// st0, st12: the drive itself (nst0 is its no-rewind alias, st0a/l/m its mode aliases).
bool IsTapeDrive(absl::string_view name) {
  if (!absl::ConsumePrefix(&name, "st") || name.empty()) return false;
  for (const char c : name) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

class TapestatsSource : public Source {
 public:
  TapestatsSource(const common::FsRoot& fs, std::unique_ptr<RE2> ignored)
      : dir_(fs.Sys("class/scsi_tape")), ignored_(std::move(ignored)) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ListDir(dir_, &entries_));
    for (const absl::string_view device : entries_.names) {
      if (!IsTapeDrive(device)) continue;
      if (ignored_ != nullptr &&
          RE2::PartialMatch(re2::StringPiece(device.data(), device.size()), *ignored_))
        continue;
      const LabelRef labels[] = {{"device", device}};
      for (const TapeStat& s : kStats) {
        path_.assign(dir_);
        absl::StrAppend(&path_, "/", device, "/stats/", s.file);
        uint64_t v = 0;
        absl::Status st = common::ReadFileTo(path_, &text_);
        // An attribute the kernel does not provide counts as 0, as node_exporter reads it.
        if (st.ok()) st = common::ParseUint64File(text_, path_, &v);
        if (!st.ok() && !absl::IsNotFound(st)) return st;
        out.Add(s.desc, labels, static_cast<double>(v) * s.scale);
      }
    }
    return absl::OkStatus();
  }

 private:
  std::string dir_;
  std::unique_ptr<RE2> ignored_;
  common::DirListing entries_;  // reused: no allocation in steady state
  std::string path_;
  std::string text_;
};

}  // namespace

std::vector<SourceOption> TapestatsOptions() {
  return {{"ignored-devices", "^$", "Regexp of devices to ignore for tapestats."}};
}

absl::StatusOr<SourcePtr> MakeTapestatsSource(const SourceContext& ctx) {
  HM_ASSIGN_OR_RETURN(std::unique_ptr<RE2> ignored, ctx.Regex("ignored-devices"));
  return std::make_unique<TapestatsSource>(*ctx.fs, std::move(ignored));
}

}  // namespace hostmon::agent
