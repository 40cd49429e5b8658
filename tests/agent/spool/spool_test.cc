// SPDX-License-Identifier: Apache-2.0
#include "agent/spool/spool.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "agent/spool/crc32c.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

namespace fs = std::filesystem;

SpoolOptions Options(const std::string& dir) {
  SpoolOptions o;
  o.directory = dir;
  o.max_bytes = 1 << 20;
  o.segment_bytes = 4096;
  o.fsync = SpoolFsync::kNever;
  o.max_age = absl::ZeroDuration();
  return o;
}

std::string Payload(uint64_t seq) { return absl::StrCat("batch-", seq, std::string(200, 'x')); }

// Appends sequences [from, to] with `samples` samples each and timestamp seq*1000.
void AppendRange(Spool* s, uint64_t from, uint64_t to, uint32_t samples = 10) {
  for (uint64_t q = from; q <= to; ++q) {
    REQUIRE(s->Append(q, static_cast<int64_t>(q) * 1000, samples, Payload(q)).ok());
  }
}

std::vector<uint64_t> Pending(Spool* s) {
  std::vector<uint64_t> out;
  SpoolRecord r;
  uint64_t after = 0;
  while (s->NextPending(after, UINT64_MAX, &r)) {
    CHECK(r.payload == Payload(r.sequence));
    out.push_back(r.sequence);
    after = r.sequence;
  }
  return out;
}

std::vector<std::string> Segments(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& de : fs::directory_iterator(dir)) {
    if (de.path().extension() == ".seg") out.push_back(de.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<uint64_t> Range(uint64_t from, uint64_t to) {
  std::vector<uint64_t> v;
  for (uint64_t q = from; q <= to; ++q) v.push_back(q);
  return v;
}

TEST_CASE("CRC32C matches the RFC 3720 check value", "[spool]") {
  CHECK(Crc32c(0, "123456789", 9) == 0xE3069283u);
  // Incremental use equals one pass.
  CHECK(Crc32c(Crc32c(0, "1234", 4), "56789", 5) == 0xE3069283u);
}

TEST_CASE("Spool appends, reads back, acks and deletes whole segments", "[spool]") {
  testing::ScopedTempDir d;
  auto s = Spool::Open(Options(d.path()));
  REQUIRE(s.ok());
  AppendRange(s->get(), 1, 60);  // ~250 B each: several 4 KiB segments
  CHECK((*s)->stats().segments > 3);
  CHECK(Pending(s->get()) == Range(1, 60));
  std::vector<uint64_t> acked = Range(1, 40);
  (*s)->Ack(acked);
  CHECK(Pending(s->get()) == Range(41, 60));
  Spool::Stats st = (*s)->stats();
  CHECK(st.pending_batches == 20);
  CHECK(st.pending_samples == 200);
  CHECK(st.acked_batches == 40);
  CHECK(st.oldest_pending_timestamp_ms == 41000);
  // Segments holding only acked records are gone; the one holding 41 remains.
  size_t segs = Segments(d.path()).size();
  CHECK(segs == st.segments);
  CHECK(segs <= 8);
  // NextPending respects the (after, upto] window.
  SpoolRecord r;
  REQUIRE((*s)->NextPending(45, 50, &r));
  CHECK(r.sequence == 46);
  CHECK(r.timestamp_ms == 46000);
  CHECK(r.samples == 10);
  CHECK_FALSE((*s)->NextPending(60, 100, &r));
}

TEST_CASE("Spool recovers pending records, epoch and sequence after a restart", "[spool]") {
  testing::ScopedTempDir d;
  uint64_t epoch = 0;
  {
    auto s = Spool::Open(Options(d.path()));
    REQUIRE(s.ok());
    epoch = (*s)->epoch();
    CHECK(epoch != 0);
    CHECK((*s)->last_sequence() == 0);
    AppendRange(s->get(), 1, 30);
    std::vector<uint64_t> acked = Range(1, 10);
    (*s)->Ack(acked);
  }
  auto s = Spool::Open(Options(d.path()));
  REQUIRE(s.ok());
  CHECK((*s)->epoch() == epoch);
  CHECK((*s)->last_sequence() == 30);
  CHECK(Pending(s->get()) == Range(11, 30));
  // Appending continues the same sequence space.
  AppendRange(s->get(), 31, 32);
  CHECK(Pending(s->get()) == Range(11, 32));
}

TEST_CASE("Spool keeps the sequence after everything was acked and deleted", "[spool]") {
  testing::ScopedTempDir d;
  uint64_t epoch = 0;
  {
    auto s = Spool::Open(Options(d.path()));
    REQUIRE(s.ok());
    epoch = (*s)->epoch();
    AppendRange(s->get(), 1, 50);
    std::vector<uint64_t> acked = Range(1, 50);
    (*s)->Ack(acked);
  }
  auto s = Spool::Open(Options(d.path()));
  REQUIRE(s.ok());
  CHECK((*s)->epoch() == epoch);
  CHECK((*s)->last_sequence() == 50);
  CHECK(Pending(s->get()).empty());
}

TEST_CASE("Spool recovers the epoch from the records when the state file is lost", "[spool]") {
  testing::ScopedTempDir d;
  uint64_t epoch = 0;
  {
    auto s = Spool::Open(Options(d.path()));
    REQUIRE(s.ok());
    epoch = (*s)->epoch();
    AppendRange(s->get(), 1, 5);
  }
  fs::remove(fs::path(d.path()) / "state");
  auto s = Spool::Open(Options(d.path()));
  REQUIRE(s.ok());
  CHECK((*s)->epoch() == epoch);
  CHECK((*s)->last_sequence() == 5);
  CHECK(Pending(s->get()) == Range(1, 5));
}

TEST_CASE("A new spool directory gets a new epoch", "[spool]") {
  testing::ScopedTempDir a, b;
  auto s1 = Spool::Open(Options(a.path()));
  auto s2 = Spool::Open(Options(b.path()));
  REQUIRE(s1.ok());
  REQUIRE(s2.ok());
  CHECK((*s1)->epoch() != (*s2)->epoch());
}

TEST_CASE("Spool size cap drops the oldest segments and counts exactly the missing samples",
          "[spool]") {
  testing::ScopedTempDir d;
  SpoolOptions o = Options(d.path());
  o.max_bytes = 16384;  // segments of 4 KiB
  auto s = Spool::Open(o);
  REQUIRE(s.ok());
  const uint64_t n = 300;
  for (uint64_t q = 1; q <= n; ++q) {
    // Varying sample counts, so counting batches instead of samples would be caught.
    REQUIRE((*s)->Append(q, static_cast<int64_t>(q), static_cast<uint32_t>(q % 7 + 1), Payload(q))
                .ok());
  }
  Spool::Stats st = (*s)->stats();
  CHECK(st.bytes <= o.max_bytes);
  std::vector<uint64_t> left = Pending(s->get());
  REQUIRE(!left.empty());
  CHECK(left.back() == n);
  // What is left is a contiguous newest suffix; everything before it was dropped and counted.
  CHECK(left == Range(left.front(), n));
  uint64_t missing_samples = 0;
  for (uint64_t q = 1; q < left.front(); ++q) missing_samples += q % 7 + 1;
  CHECK(st.dropped_batches == left.front() - 1);
  CHECK(st.dropped_samples == missing_samples);
}

TEST_CASE("Spool cap counts a record dropped in flight only if its stream ends unacknowledged",
          "[spool]") {
  // The collector may apply a batch sent just before the cap removed its record (seen as
  // e2e.spool_cap's counter exceeding the missing batches by the records in flight).
  testing::ScopedTempDir d;
  SpoolOptions o = Options(d.path());
  o.max_bytes = 16384;  // segments of 4 KiB, ~16 records each
  auto opened = Spool::Open(o);
  REQUIRE(opened.ok());
  Spool* s = opened->get();
  AppendRange(s, 1, 10);
  SpoolRecord r;
  REQUIRE(s->NextPending(0, UINT64_MAX, &r));  // replayed: in flight
  CHECK(r.sequence == 1);
  REQUIRE(s->MarkSent(2));  // a live batch sent from memory
  uint64_t q = 10;
  while (s->stats().dropped_batches == 0) {
    ++q;
    REQUIRE(s->Append(q, static_cast<int64_t>(q) * 1000, 10, Payload(q)).ok());
  }
  REQUIRE(s->NextPending(0, UINT64_MAX, &r));
  const uint64_t k = r.sequence - 1;  // the first segment held 1..k
  REQUIRE(k > 3);
  Spool::Stats st = s->stats();
  CHECK(st.dropped_batches == k - 2);  // 1 and 2 are in flight: not lost yet
  CHECK(st.dropped_samples == 10 * (k - 2));
  CHECK(st.pending_batches == q - k);
  CHECK_FALSE(s->MarkSent(3));       // dropped before it was sent: must not be sent any more
  s->Ack(std::vector<uint64_t>{1});  // delivered after all
  CHECK(s->stats().dropped_batches == k - 2);
  CHECK(s->stats().acked_batches == 1);
  s->StreamEnded();  // 2 was never acknowledged
  st = s->stats();
  CHECK(st.dropped_batches == k - 1);
  CHECK(st.dropped_samples == 10 * (k - 1));
  s->StreamEnded();
  CHECK(s->stats().dropped_batches == k - 1);
  // After the stream's end nothing is in flight: the next cap drop counts every record at once,
  // also k + 1, which the previous stream had been sent.
  const uint64_t before = s->stats().dropped_batches;
  while (s->stats().dropped_batches == before) {
    ++q;
    REQUIRE(s->Append(q, static_cast<int64_t>(q) * 1000, 10, Payload(q)).ok());
  }
  REQUIRE(s->NextPending(0, UINT64_MAX, &r));
  CHECK(s->stats().dropped_batches == r.sequence - 1 - 1);  // all but 1 (acknowledged)
}

TEST_CASE("Spool age cap drops segments older than max_age and counts them", "[spool]") {
  testing::ScopedTempDir d;
  SpoolOptions o = Options(d.path());
  o.max_age = absl::Seconds(20);
  auto s = Spool::Open(o);
  REQUIRE(s.ok());
  AppendRange(s->get(), 1, 100, 3);  // timestamps 1 s apart
  std::vector<uint64_t> left = Pending(s->get());
  REQUIRE(!left.empty());
  // Nothing older than 20 s (plus one segment of slack) survives, nothing newer was dropped.
  CHECK(left.front() >= 100 - 20 - 20);
  CHECK(left.front() <= 100 - 20 + 1);
  Spool::Stats st = (*s)->stats();
  CHECK(st.dropped_batches == left.front() - 1);
  CHECK(st.dropped_samples == 3 * (left.front() - 1));
}

TEST_CASE("Spool skips a torn tail and keeps everything before it", "[spool]") {
  testing::ScopedTempDir d;
  {
    auto s = Spool::Open(Options(d.path()));
    REQUIRE(s.ok());
    AppendRange(s->get(), 1, 10);
  }
  std::vector<std::string> segs = Segments(d.path());
  REQUIRE(!segs.empty());
  const std::string& last = segs.back();
  fs::resize_file(last, fs::file_size(last) - 7);  // half of the last record is gone
  auto s = Spool::Open(Options(d.path()));
  REQUIRE(s.ok());
  std::vector<uint64_t> left = Pending(s->get());
  CHECK(std::set<uint64_t>(left.begin(), left.end()).count(10) == 0);
  CHECK(left.size() == 9);
  CHECK((*s)->stats().corrupt_records == 1);
  CHECK((*s)->last_sequence() == 10);  // state file: 10 is never reused
}

TEST_CASE("Spool skips flipped bytes in the middle and delivers the rest", "[spool]") {
  testing::ScopedTempDir d;
  SpoolOptions o = Options(d.path());
  o.segment_bytes = 1 << 20;  // one segment
  {
    auto s = Spool::Open(o);
    REQUIRE(s.ok());
    AppendRange(s->get(), 1, 10);
  }
  std::vector<std::string> segs = Segments(d.path());
  REQUIRE(segs.size() == 1);
  const size_t rec = 40 + Payload(1).size();
  {
    std::fstream f(segs[0], std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(4 * rec + 60));  // inside record 5's payload
    f.write("\xff\xff\xff", 3);
  }
  auto s = Spool::Open(o);
  REQUIRE(s.ok());
  std::vector<uint64_t> expect = {1, 2, 3, 4, 6, 7, 8, 9, 10};
  CHECK(Pending(s->get()) == expect);
  CHECK((*s)->stats().corrupt_records == 1);
}

TEST_CASE("Spool skips a corrupt header and resyncs at the next record", "[spool]") {
  testing::ScopedTempDir d;
  SpoolOptions o = Options(d.path());
  o.segment_bytes = 1 << 20;
  {
    auto s = Spool::Open(o);
    REQUIRE(s.ok());
    AppendRange(s->get(), 1, 6);
  }
  std::vector<std::string> segs = Segments(d.path());
  const size_t rec = 40 + Payload(1).size();
  {
    std::fstream f(segs[0], std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(2 * rec + 4));  // record 3's length field
    f.write("\xff\xff\xff\x7f", 4);
  }
  auto s = Spool::Open(o);
  REQUIRE(s.ok());
  std::vector<uint64_t> expect = {1, 2, 4, 5, 6};
  CHECK(Pending(s->get()) == expect);
  CHECK((*s)->stats().corrupt_records == 1);
}

TEST_CASE("Spool ignores empty and garbage segment files without crashing", "[spool]") {
  testing::ScopedTempDir d;
  {
    auto s = Spool::Open(Options(d.path()));
    REQUIRE(s.ok());
    AppendRange(s->get(), 1, 3);
  }
  { std::ofstream(fs::path(d.path()) / "00000000000000000090.seg"); }  // zero length
  {
    std::ofstream f(fs::path(d.path()) / "00000000000000000091.seg", std::ios::binary);
    f << std::string(1000, '\0') << "HMS1 garbage";
  }
  { std::ofstream(fs::path(d.path()) / "state") << "nonsense\n"; }
  auto s = Spool::Open(Options(d.path()));
  REQUIRE(s.ok());
  CHECK(Pending(s->get()) == Range(1, 3));
  CHECK((*s)->last_sequence() == 3);
  CHECK((*s)->stats().corrupt_records == 1);  // the garbage file; the empty one is just empty
}

TEST_CASE("Spool skips a record damaged after it was indexed", "[spool]") {
  testing::ScopedTempDir d;
  SpoolOptions o = Options(d.path());
  o.segment_bytes = 1 << 20;
  auto s = Spool::Open(o);
  REQUIRE(s.ok());
  AppendRange(s->get(), 1, 3);
  std::vector<std::string> segs = Segments(d.path());
  {
    std::fstream f(segs.back(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(40 + 10));
    f.write("!", 1);
  }
  std::vector<uint64_t> expect = {2, 3};
  CHECK(Pending(s->get()) == expect);
  CHECK((*s)->stats().corrupt_records == 1);
}

TEST_CASE("Spool fsync policies parse and always-sync counts fsyncs", "[spool]") {
  CHECK(*ParseSpoolFsync("always") == SpoolFsync::kAlways);
  CHECK(*ParseSpoolFsync("periodic") == SpoolFsync::kPeriodic);
  CHECK(*ParseSpoolFsync("never") == SpoolFsync::kNever);
  CHECK_FALSE(ParseSpoolFsync("sometimes").ok());
  testing::ScopedTempDir d;
  SpoolOptions o = Options(d.path());
  o.fsync = SpoolFsync::kAlways;
  auto s = Spool::Open(o);
  REQUIRE(s.ok());
  AppendRange(s->get(), 1, 5);
  CHECK((*s)->stats().fsyncs == 5);
}

TEST_CASE("Spool heals after a full disk: rolls over, then reuses what acks free, no restart",
          "[spool]") {
  testing::ScopedTempDir d;
  bool full = false;
  SpoolOptions o = Options(d.path());
  o.inject_write_error = [&full](const std::string&) { return full ? ENOSPC : 0; };
  auto s = Spool::Open(o);
  REQUIRE(s.ok());
  AppendRange(s->get(), 1, 20);  // ~250 B each: two 4 KiB segments
  const size_t before = Segments(d.path()).size();
  REQUIRE(before == 2);

  // The disk fills while the collector is down.
  full = true;
  absl::Status err = (*s)->Append(21, 21000, 10, Payload(21));
  CHECK(err.code() == absl::StatusCode::kInternal);
  CHECK(std::string(err.message()) == "spool write failed: No space left on device");
  // Rolled over: the full segment is no longer the current one, so acks can delete it.
  CHECK(Segments(d.path()).size() == before + 1);
  // More failures do not leave an empty segment each.
  CHECK_FALSE((*s)->Append(22, 22000, 10, Payload(22)).ok());
  CHECK_FALSE((*s)->Append(23, 23000, 10, Payload(23)).ok());
  CHECK(Segments(d.path()).size() == before + 1);
  Spool::Stats st = (*s)->stats();
  CHECK(st.write_errors == 3);
  CHECK(st.state_write_errors >= 1);  // counted apart: no batch was lost by those
  CHECK(Pending(s->get()) == Range(1, 20));

  // The collector returns and acknowledges everything: the segments holding it are deleted.
  std::vector<uint64_t> all = Range(1, 20);
  (*s)->Ack(all);
  CHECK(Segments(d.path()).size() == 1);
  CHECK((*s)->stats().bytes == 0);
  // The space is there again (the injected error stands for the full disk): new batches are
  // spooled at once.
  full = false;
  AppendRange(s->get(), 24, 40);
  CHECK(Pending(s->get()) == Range(24, 40));
  CHECK((*s)->stats().write_errors == 3);
  s->reset();
  auto again = Spool::Open(Options(d.path()));
  REQUIRE(again.ok());
  CHECK(Pending(again->get()) == Range(24, 40));
}

TEST_CASE("Spool truncates an acknowledged current segment when a write fails, and retries",
          "[spool]") {
  testing::ScopedTempDir d;
  int fail_segment_writes = 0;
  SpoolOptions o = Options(d.path());
  o.inject_write_error = [&fail_segment_writes](const std::string& path) {
    if (path.size() < 4 || path.compare(path.size() - 4, 4, ".seg") != 0) return 0;
    return fail_segment_writes-- > 0 ? ENOSPC : 0;
  };
  auto s = Spool::Open(o);
  REQUIRE(s.ok());
  AppendRange(s->get(), 1, 5);
  std::vector<uint64_t> acked = Range(1, 5);
  (*s)->Ack(acked);
  REQUIRE(Segments(d.path()).size() == 1);  // the current segment stays, all acknowledged
  const uint64_t record = (*s)->stats().bytes / 5;

  fail_segment_writes = 1;
  REQUIRE((*s)->Append(6, 6000, 10, Payload(6)).ok());  // healed by the truncation
  Spool::Stats st = (*s)->stats();
  CHECK(st.write_errors == 0);
  CHECK(st.bytes == record);
  CHECK(fs::file_size(Segments(d.path()).at(0)) == record);
  CHECK(Pending(s->get()) == std::vector<uint64_t>{6});

  // A segment with pending records is never truncated: the failure rolls over instead.
  fail_segment_writes = 1;
  REQUIRE((*s)->Append(7, 7000, 10, Payload(7)).ok());
  CHECK(Segments(d.path()).size() == 2);
  CHECK(Pending(s->get()) == Range(6, 7));
  s->reset();
  auto again = Spool::Open(Options(d.path()));
  REQUIRE(again.ok());
  CHECK(Pending(again->get()) == Range(6, 7));
}

TEST_CASE("Spool counts state file write errors apart from batch write errors", "[spool]") {
  testing::ScopedTempDir d;
  bool state_full = false;
  SpoolOptions o = Options(d.path());
  o.inject_write_error = [&state_full](const std::string& path) {
    return state_full && path.find("/state") != std::string::npos ? ENOSPC : 0;
  };
  auto s = Spool::Open(o);
  REQUIRE(s.ok());
  state_full = true;
  AppendRange(s->get(), 1, 3);
  (*s)->Flush();
  Spool::Stats st = (*s)->stats();
  CHECK(st.state_write_errors >= 1);
  CHECK(st.write_errors == 0);
  CHECK(Pending(s->get()) == Range(1, 3));
  CHECK_FALSE(fs::exists(d.path() + "/state.tmp"));  // no partial temp file left taking space
}

// Write cost per batch (with and without fsync) and replay throughput; prints figures, asserts
// nothing about speed. Run: build/tests/hostmon_unit_tests "[.bench][spool_bench]"
TEST_CASE("Spool benchmark: write cost and replay throughput", "[.bench][spool_bench]") {
  const uint32_t kSamples = 1500;  // a default-sources batch on a small host
  std::string payload(kSamples * 12, 'p');
  for (SpoolFsync policy : {SpoolFsync::kNever, SpoolFsync::kPeriodic, SpoolFsync::kAlways}) {
    testing::ScopedTempDir d;
    SpoolOptions o = Options(d.path());
    o.max_bytes = 512ull << 20;
    o.segment_bytes = 8ull << 20;
    o.fsync = policy;
    auto s = Spool::Open(o);
    REQUIRE(s.ok());
    const int n = policy == SpoolFsync::kAlways ? 200 : 2000;
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 1; i <= n; ++i) REQUIRE((*s)->Append(i, i, kSamples, payload).ok());
    double us =
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() /
        n;
    std::printf("spool append, fsync=%s: %.1f us/batch (%u samples, %zu bytes)\n",
                std::string(SpoolFsyncName(policy)).c_str(), us, kSamples, payload.size());
    if (policy != SpoolFsync::kNever) continue;
    SpoolRecord r;
    uint64_t after = 0, samples = 0;
    t0 = std::chrono::steady_clock::now();
    while ((*s)->NextPending(after, UINT64_MAX, &r)) {
      after = r.sequence;
      samples += r.samples;
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("spool replay read: %.0f batches/s, %.3g samples/s\n", n / secs, samples / secs);
  }
}

}  // namespace
}  // namespace hostmon::agent
