// SPDX-License-Identifier: Apache-2.0
#include "agent/spool/spool.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "agent/spool/crc32c.h"
#include "common/bounded_read.h"
#include "common/log.h"

namespace hostmon::agent {
namespace {

namespace log = common::log;

constexpr uint32_t kMagic = 0x31534D48;  // "HMS1" little-endian
constexpr size_t kHeaderSize = 40;
constexpr uint32_t kMaxPayload = 64u << 20;
constexpr absl::string_view kStateFile = "state";
constexpr absl::string_view kSegmentSuffix = ".seg";

void PutU32(char* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>(v >> (8 * i));
}
void PutU64(char* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<char>(v >> (8 * i));
}
uint32_t GetU32(const char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}
uint64_t GetU64(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

struct Header {
  uint32_t payload_len;
  uint32_t crc;
  uint64_t epoch;
  uint64_t sequence;
  int64_t timestamp_ms;
  uint32_t samples;
};

Header ParseHeader(const char* p) {
  Header h;
  h.payload_len = GetU32(p + 4);
  h.crc = GetU32(p + 8);
  h.epoch = GetU64(p + 12);
  h.sequence = GetU64(p + 20);
  h.timestamp_ms = static_cast<int64_t>(GetU64(p + 28));
  h.samples = GetU32(p + 36);
  return h;
}

// CRC over header bytes 12..40 and the payload.
uint32_t RecordCrc(const char* header, const char* payload, size_t n) {
  return Crc32c(Crc32c(0, header + 12, kHeaderSize - 12), payload, n);
}

absl::Status WriteAll(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return absl::InternalError(std::strerror(errno));
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return absl::OkStatus();
}

// Whole spool file (segment or state). A segment holds at most segment_bytes plus one record of
// at most kMaxPayload; the cap is the agent's default file cap, far above both.
absl::Status ReadFile(const std::string& path, std::string* out) {
  return common::ReadFileTo(path, out, common::kDefaultMaxFileBytes);
}

uint64_t RandomEpoch() {
  std::random_device rd;
  uint64_t e = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  return e == 0 ? 1 : e;
}

struct State {
  uint64_t epoch = 0;
  uint64_t last_sequence = 0;
  uint64_t ack_watermark = 0;
};

// The state file: "hostmon-spool-state v1" then "key value" lines. Returns false when it is
// missing or unreadable (the spool then recovers what it can from the records themselves).
bool ParseState(const std::string& text, State* st) {
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n', absl::SkipEmpty());
  if (lines.empty() || lines[0] != "hostmon-spool-state v1") return false;
  bool has_epoch = false;
  for (size_t i = 1; i < lines.size(); ++i) {
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(lines[i], ' ');
    uint64_t v = 0;
    if (!absl::SimpleAtoi(kv.second, &v)) return false;
    if (kv.first == "epoch") {
      st->epoch = v;
      has_epoch = v != 0;
    } else if (kv.first == "last_sequence") {
      st->last_sequence = v;
    } else if (kv.first == "ack_watermark") {
      st->ack_watermark = v;
    }
  }
  return has_epoch;
}

}  // namespace

absl::StatusOr<SpoolFsync> ParseSpoolFsync(absl::string_view s) {
  if (s == "always") return SpoolFsync::kAlways;
  if (s == "periodic") return SpoolFsync::kPeriodic;
  if (s == "never") return SpoolFsync::kNever;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown fsync policy \"", s, "\" (allowed: always, periodic, never)"));
}

absl::string_view SpoolFsyncName(SpoolFsync f) {
  switch (f) {
    case SpoolFsync::kAlways:
      return "always";
    case SpoolFsync::kPeriodic:
      return "periodic";
    case SpoolFsync::kNever:
      return "never";
  }
  return "?";
}

Spool::Spool(SpoolOptions options) : options_(std::move(options)) {}

Spool::~Spool() {
  absl::MutexLock lock(&mu_);
  WriteState();
  if (active_fd_ >= 0) {
    Sync();
    ::close(active_fd_);
  }
}

absl::StatusOr<std::unique_ptr<Spool>> Spool::Open(SpoolOptions options) {
  if (options.directory.empty()) return absl::InvalidArgumentError("spool directory is empty");
  if (options.segment_bytes > options.max_bytes / 4) options.segment_bytes = options.max_bytes / 4;
  if (options.segment_bytes < 4096) options.segment_bytes = 4096;
  std::unique_ptr<Spool> spool(new Spool(std::move(options)));
  absl::MutexLock lock(&spool->mu_);
  if (absl::Status s = spool->Recover(); !s.ok()) return s;
  return spool;
}

std::string Spool::SegmentPath(uint64_t id) const {
  return absl::StrFormat("%s/%020u%s", options_.directory, id, kSegmentSuffix);
}

absl::Status Spool::Recover() {
  std::error_code ec;
  std::filesystem::create_directories(options_.directory, ec);
  if (ec) {
    return absl::InternalError(
        absl::StrCat("cannot create spool directory ", options_.directory, ": ", ec.message()));
  }
  State st;
  std::string text;
  std::string state_path = absl::StrCat(options_.directory, "/", kStateFile);
  bool have_state = ReadFile(state_path, &text).ok() && ParseState(text, &st);
  if (!have_state && !text.empty()) {
    log::Warn("spool state file unreadable; recovering from the records",
              log::Kv("file", state_path));
  }
  std::vector<uint64_t> ids;
  for (const auto& de : std::filesystem::directory_iterator(options_.directory, ec)) {
    std::string name = de.path().filename().string();
    if (name.size() != 20 + kSegmentSuffix.size() || !absl::EndsWith(name, kSegmentSuffix)) {
      continue;
    }
    uint64_t id = 0;
    if (absl::SimpleAtoi(absl::string_view(name).substr(0, 20), &id)) ids.push_back(id);
  }
  if (ec) {
    return absl::InternalError(
        absl::StrCat("cannot list spool directory ", options_.directory, ": ", ec.message()));
  }
  std::sort(ids.begin(), ids.end());
  epoch_ = st.epoch;
  uint64_t max_seq = 0;
  for (uint64_t id : ids) ScanSegment(id, st.ack_watermark, &max_seq);
  if (epoch_ == 0) epoch_ = RandomEpoch();
  last_sequence_ = std::max(st.last_sequence, max_seq);
  // Fully delivered segments (and empty files) are no longer needed.
  std::vector<uint64_t> done;
  for (const auto& [id, seg] : segments_) {
    if (seg.pending == 0) done.push_back(id);
  }
  for (uint64_t id : done) DropSegment(id, false);
  // Never append to a file whose tail may be torn: every run starts a fresh segment.
  uint64_t next_id = ids.empty() ? 1 : ids.back() + 1;
  if (absl::Status s = OpenActive(next_id); !s.ok()) return s;
  WriteState();
  // The epoch must survive a power cut right after it was chosen.
  int fd = ::open(state_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  int dfd = ::open(options_.directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  log::Info("spool opened",
            log::Kv("dir", options_.directory) +
                log::Kv("epoch", absl::StrFormat("%016x", epoch_)) +
                log::Kv("last_sequence", static_cast<int64_t>(last_sequence_)) +
                log::Kv("pending_batches", static_cast<int64_t>(stats_.pending_batches)) +
                log::Kv("corrupt_records", static_cast<int64_t>(stats_.corrupt_records)));
  return absl::OkStatus();
}

void Spool::ScanSegment(uint64_t id, uint64_t ack_watermark, uint64_t* max_seq) {
  std::string path = SegmentPath(id);
  std::string data;
  Segment& seg = segments_[id];
  if (absl::Status read = ReadFile(path, &data); !read.ok()) {
    log::Warn("cannot read spool segment; skipping it",
              log::Kv("file", path) + log::Kv("err", read.message()));
    stats_.corrupt_records++;
    return;
  }
  seg.bytes = data.size();
  total_bytes_ += data.size();
  size_t pos = 0;
  bool in_damage = false;  // a damaged region counts once, however many bytes it spans
  auto damaged = [&](size_t at, absl::string_view why) {
    if (!in_damage) {
      stats_.corrupt_records++;
      log::Warn("spool: skipping damaged record", log::Kv("file", path) +
                                                      log::Kv("offset", static_cast<int64_t>(at)) +
                                                      log::Kv("reason", why));
    }
    in_damage = true;
  };
  while (pos + kHeaderSize <= data.size()) {
    const char* p = data.data() + pos;
    if (GetU32(p) != kMagic) {
      damaged(pos, "bad magic");
      ++pos;
      continue;
    }
    Header h = ParseHeader(p);
    if (h.payload_len > kMaxPayload || pos + kHeaderSize + h.payload_len > data.size()) {
      damaged(pos, h.payload_len > kMaxPayload ? "bad length" : "truncated record");
      ++pos;
      continue;
    }
    if (RecordCrc(p, p + kHeaderSize, h.payload_len) != h.crc) {
      damaged(pos, "checksum mismatch");
      ++pos;
      continue;
    }
    in_damage = false;
    uint32_t size = static_cast<uint32_t>(kHeaderSize + h.payload_len);
    if (epoch_ == 0) epoch_ = h.epoch;
    if (h.epoch != epoch_) {
      damaged(pos, "record of another epoch");
      in_damage = false;
      pos += size;
      continue;
    }
    *max_seq = std::max(*max_seq, h.sequence);
    if (!entries_.empty() && h.sequence <= entries_.back().sequence) {
      pos += size;  // a re-spooled duplicate: the first copy is enough
      continue;
    }
    bool acked = h.sequence <= ack_watermark;
    entries_.push_back(Entry{h.sequence, h.timestamp_ms, h.samples, id, pos, size, acked});
    seg.newest_timestamp_ms = std::max(seg.newest_timestamp_ms, h.timestamp_ms);
    if (!acked) {
      seg.pending++;
      stats_.pending_batches++;
      stats_.pending_samples += h.samples;
    }
    pos += size;
  }
  if (pos < data.size()) damaged(pos, "truncated record");
}

absl::Status Spool::OpenActive(uint64_t id) {
  std::string path = SegmentPath(id);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0) {
    return absl::InternalError(
        absl::StrCat("cannot create spool segment ", path, ": ", std::strerror(errno)));
  }
  active_fd_ = fd;
  active_id_ = id;
  segments_[id];
  if (options_.fsync != SpoolFsync::kNever) {
    // fdatasync of the file does not persist its directory entry; a new segment needs both.
    int dfd = ::open(options_.directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      ::fsync(dfd);
      ::close(dfd);
    }
  }
  return absl::OkStatus();
}

void Spool::Sync() {
  if (active_fd_ < 0 || unsynced_ == 0) return;
  absl::Time start = absl::Now();
  ::fdatasync(active_fd_);
  double secs = absl::ToDoubleSeconds(absl::Now() - start);
  stats_.fsyncs++;
  stats_.fsync_seconds += secs;
  stats_.write_seconds += secs;
  unsynced_ = 0;
  last_sync_ = absl::Now();
}

uint64_t Spool::last_sequence() const {
  absl::MutexLock lock(&mu_);
  return last_sequence_;
}

absl::Status Spool::WriteAllTo(int fd, const std::string& path, const char* p, size_t n) const {
  if (options_.inject_write_error) {
    if (int err = options_.inject_write_error(path); err != 0) {
      return absl::InternalError(std::strerror(err));
    }
  }
  return WriteAll(fd, p, n);
}

absl::Status Spool::Roll() {
  Sync();
  if (active_fd_ >= 0) ::close(active_fd_);
  active_fd_ = -1;
  const uint64_t old = active_id_;
  auto it = segments_.find(old);
  if (it != segments_.end() && it->second.pending == 0) DropSegment(old, false);
  if (absl::Status s = OpenActive(old + 1); !s.ok()) return s;
  WriteState();
  return absl::OkStatus();
}

absl::Status Spool::WriteRecord(const std::string& record) {
  // A roll whose open failed left no current file: open the next one now.
  if (active_fd_ < 0) {
    if (absl::Status s = OpenActive(active_id_ + 1); !s.ok()) return s;
  }
  Segment& seg = segments_[active_id_];
  if (absl::Status s =
          WriteAllTo(active_fd_, SegmentPath(active_id_), record.data(), record.size());
      !s.ok()) {
    // Cut a partial record off so the segment stays readable; the state file keeps the sequence.
    if (::ftruncate(active_fd_, static_cast<off_t>(seg.bytes)) != 0) {
      log::Debug("spool: cannot truncate partial record", log::Kv("err", std::strerror(errno)));
    }
    return s;
  }
  return absl::OkStatus();
}

bool Spool::Reclaim() {
  auto it = segments_.find(active_id_);
  // A current segment that holds nothing cannot give anything back: the disk is full of other
  // data (or of segments still waiting for acknowledgements). Rolling on would only leave empty
  // files behind.
  if (active_fd_ >= 0 && (it == segments_.end() || it->second.bytes == 0)) return false;
  if (active_fd_ >= 0 && it->second.pending == 0 && ::ftruncate(active_fd_, 0) == 0) {
    // Every record in it is acknowledged: start it over (O_APPEND writes go to the new end).
    entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                  [this](const Entry& e) { return e.segment == active_id_; }),
                   entries_.end());
    total_bytes_ -= it->second.bytes;
    it->second = Segment{};
    log::Info("spool: write failed; reusing the acknowledged current segment",
              log::Kv("file", SegmentPath(active_id_)));
    return true;
  }
  // Records in it still wait for their acknowledgement: continue in a fresh segment, so that
  // this one is deleted as soon as they are acknowledged (only non-current segments are).
  if (absl::Status s = Roll(); !s.ok()) {
    log::Debug("spool: cannot roll over after a failed write", log::Kv("err", s.message()));
    return false;
  }
  return true;
}

absl::Status Spool::Append(uint64_t sequence, int64_t timestamp_ms, uint32_t samples,
                           absl::string_view payload) {
  absl::MutexLock lock(&mu_);
  if (payload.size() > kMaxPayload) {
    stats_.write_errors++;
    return absl::InvalidArgumentError("batch too large for the spool");
  }
  absl::Time start = absl::Now();
  last_sequence_ = std::max(last_sequence_, sequence);
  const size_t size = kHeaderSize + payload.size();
  {
    const Segment& seg = segments_[active_id_];
    if (seg.bytes > 0 && seg.bytes + size > options_.segment_bytes) {
      if (absl::Status s = Roll(); !s.ok()) {
        stats_.write_errors++;
        return s;
      }
    }
  }
  std::string buf(size, '\0');
  PutU32(&buf[0], kMagic);
  PutU32(&buf[4], static_cast<uint32_t>(payload.size()));
  PutU64(&buf[12], epoch_);
  PutU64(&buf[20], sequence);
  PutU64(&buf[28], static_cast<uint64_t>(timestamp_ms));
  PutU32(&buf[36], samples);
  std::memcpy(&buf[kHeaderSize], payload.data(), payload.size());
  PutU32(&buf[8], RecordCrc(buf.data(), buf.data() + kHeaderSize, payload.size()));
  absl::Status written = WriteRecord(buf);
  if (!written.ok() && Reclaim()) written = WriteRecord(buf);
  if (!written.ok()) {
    stats_.write_errors++;
    WriteState();
    return absl::InternalError(absl::StrCat("spool write failed: ", written.message()));
  }
  Segment* seg = &segments_[active_id_];
  entries_.push_back(Entry{sequence, timestamp_ms, samples, active_id_, seg->bytes,
                           static_cast<uint32_t>(size), false});
  seg->bytes += size;
  seg->pending++;
  seg->newest_timestamp_ms = std::max(seg->newest_timestamp_ms, timestamp_ms);
  total_bytes_ += size;
  unsynced_ += size;
  stats_.appended_batches++;
  stats_.pending_batches++;
  stats_.pending_samples += samples;
  stats_.write_seconds += absl::ToDoubleSeconds(absl::Now() - start);
  if (options_.fsync == SpoolFsync::kAlways ||
      (options_.fsync == SpoolFsync::kPeriodic &&
       absl::Now() - last_sync_ >= options_.fsync_interval)) {
    Sync();
  }
  EnforceCaps(timestamp_ms);
  return absl::OkStatus();
}

void Spool::DropSegment(uint64_t id, bool count_as_dropped) {
  auto it = segments_.find(id);
  if (it == segments_.end()) return;
  uint64_t batches = 0, samples = 0, in_flight = 0, first = 0, last = 0;
  for (const Entry& e : entries_) {
    if (e.segment != id || e.acked) continue;
    if (first == 0) first = e.sequence;
    last = e.sequence;
    stats_.pending_batches--;
    stats_.pending_samples -= e.samples;
    if (e.in_flight) {
      // Sent and maybe already applied by the collector: its ack or the stream's end decides.
      dropped_in_flight_[e.sequence] = e.samples;
      in_flight++;
    } else {
      batches++;
      samples += e.samples;
    }
  }
  entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                [id](const Entry& e) { return e.segment == id; }),
                 entries_.end());
  if (count_as_dropped && batches + in_flight > 0) {
    stats_.dropped_batches += batches;
    stats_.dropped_samples += samples;
    log::Warn("spool cap reached, dropping the oldest segment",
              log::Kv("file", SegmentPath(id)) + log::Kv("batches", static_cast<int64_t>(batches)) +
                  log::Kv("samples", static_cast<int64_t>(samples)) +
                  log::Kv("in_flight", static_cast<int64_t>(in_flight)) +
                  log::Kv("first_sequence", static_cast<int64_t>(first)) +
                  log::Kv("last_sequence", static_cast<int64_t>(last)));
  }
  total_bytes_ -= it->second.bytes;
  segments_.erase(it);
  if (::unlink(SegmentPath(id).c_str()) != 0 && errno != ENOENT) {
    log::Warn("cannot delete spool segment",
              log::Kv("file", SegmentPath(id)) + log::Kv("err", std::strerror(errno)));
  }
}

void Spool::EnforceCaps(int64_t newest_timestamp_ms) {
  while (total_bytes_ > options_.max_bytes && segments_.size() > 1) {
    DropSegment(segments_.begin()->first, true);
  }
  if (options_.max_age <= absl::ZeroDuration()) return;
  const int64_t cutoff = newest_timestamp_ms - absl::ToInt64Milliseconds(options_.max_age);
  while (segments_.size() > 1 && segments_.begin()->first != active_id_ &&
         segments_.begin()->second.newest_timestamp_ms < cutoff) {
    DropSegment(segments_.begin()->first, true);
  }
}

std::deque<Spool::Entry>::iterator Spool::Find(uint64_t sequence) {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), sequence,
                             [](const Entry& e, uint64_t s) { return e.sequence < s; });
  if (it != entries_.end() && it->sequence != sequence) return entries_.end();
  return it;
}

void Spool::Ack(absl::Span<const uint64_t> sequences) {
  absl::MutexLock lock(&mu_);
  std::vector<uint64_t> done;
  for (uint64_t seq : sequences) {
    auto it = Find(seq);
    if (it == entries_.end()) {
      // Dropped by the cap while in flight, and delivered all the same: not a loss.
      if (dropped_in_flight_.erase(seq) > 0) stats_.acked_batches++;
      continue;
    }
    if (it->acked) continue;
    it->acked = true;
    stats_.acked_batches++;
    stats_.pending_batches--;
    stats_.pending_samples -= it->samples;
    Segment& seg = segments_[it->segment];
    if (--seg.pending == 0 && it->segment != active_id_) done.push_back(it->segment);
  }
  for (uint64_t id : done) DropSegment(id, false);
  if (absl::Now() - last_state_write_ >= absl::Seconds(1)) WriteState();
}

bool Spool::NextPending(uint64_t after, uint64_t upto, SpoolRecord* out) {
  absl::MutexLock lock(&mu_);
  auto it = std::upper_bound(entries_.begin(), entries_.end(), after,
                             [](uint64_t s, const Entry& e) { return s < e.sequence; });
  for (; it != entries_.end() && it->sequence <= upto; ++it) {
    if (it->acked) continue;
    std::string path = SegmentPath(it->segment);
    std::string buf(it->size, '\0');
    bool ok = false;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      ssize_t r = ::pread(fd, buf.data(), buf.size(), static_cast<off_t>(it->offset));
      ::close(fd);
      if (r == static_cast<ssize_t>(buf.size()) && GetU32(buf.data()) == kMagic) {
        Header h = ParseHeader(buf.data());
        ok = h.sequence == it->sequence && kHeaderSize + h.payload_len == buf.size() &&
             RecordCrc(buf.data(), buf.data() + kHeaderSize, h.payload_len) == h.crc;
      }
    }
    if (!ok) {
      // Changed on disk since it was indexed: skip it, as the scan at startup would have.
      stats_.corrupt_records++;
      log::Warn("spool: skipping damaged record",
                log::Kv("file", path) + log::Kv("offset", static_cast<int64_t>(it->offset)) +
                    log::Kv("reason", "unreadable at replay"));
      it->acked = true;
      stats_.pending_batches--;
      stats_.pending_samples -= it->samples;
      segments_[it->segment].pending--;
      continue;
    }
    it->in_flight = true;
    out->sequence = it->sequence;
    out->timestamp_ms = it->timestamp_ms;
    out->samples = it->samples;
    out->payload.assign(buf.data() + kHeaderSize, buf.size() - kHeaderSize);
    return true;
  }
  return false;
}

bool Spool::MarkSent(uint64_t sequence) {
  absl::MutexLock lock(&mu_);
  auto it = Find(sequence);
  if (it == entries_.end() || it->acked) return false;
  it->in_flight = true;
  return true;
}

void Spool::StreamEnded() {
  absl::MutexLock lock(&mu_);
  for (Entry& e : entries_) e.in_flight = false;
  if (dropped_in_flight_.empty()) return;
  uint64_t samples = 0;
  for (const auto& [seq, n] : dropped_in_flight_) samples += n;
  stats_.dropped_batches += dropped_in_flight_.size();
  stats_.dropped_samples += samples;
  log::Warn("spool: batches dropped by the cap while in flight were not acknowledged",
            log::Kv("batches", static_cast<int64_t>(dropped_in_flight_.size())) +
                log::Kv("samples", static_cast<int64_t>(samples)));
  dropped_in_flight_.clear();
}

uint64_t Spool::AckWatermark() const {
  for (const Entry& e : entries_) {
    if (!e.acked) return e.sequence - 1;
  }
  return last_sequence_;
}

void Spool::WriteState() {
  last_state_write_ = absl::Now();
  std::string path = absl::StrCat(options_.directory, "/", kStateFile);
  std::string tmp = path + ".tmp";
  std::string text = absl::StrCat("hostmon-spool-state v1\nepoch ", epoch_, "\nlast_sequence ",
                                  last_sequence_, "\nack_watermark ", AckWatermark(), "\n");
  // Failures are counted apart from batch write errors: a batch is not lost by them, only the
  // ack watermark a restart would resume from is older (already delivered batches are resent).
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0 || !WriteAllTo(fd, tmp, text.data(), text.size()).ok()) {
    if (fd >= 0) ::close(fd);
    ::unlink(tmp.c_str());  // a partial temp file only takes space
    stats_.state_write_errors++;
    return;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) stats_.state_write_errors++;
}

void Spool::Flush() {
  absl::MutexLock lock(&mu_);
  WriteState();
  Sync();
}

Spool::Stats Spool::stats() const {
  absl::MutexLock lock(&mu_);
  Stats s = stats_;
  s.bytes = total_bytes_;
  s.segments = segments_.size();
  for (const Entry& e : entries_) {
    if (!e.acked) {
      s.oldest_pending_timestamp_ms = e.timestamp_ms;
      break;
    }
  }
  return s;
}

}  // namespace hostmon::agent
