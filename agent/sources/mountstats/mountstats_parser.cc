// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/mountstats/mountstats_parser.h"

#include <algorithm>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/status_macros.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

// The longest age a Go time.Duration holds (procfs parses the age as one and fails beyond it).
constexpr uint64_t kMaxAgeSeconds = 9223372036;

// The lines of the file with their fields, and errors that name the current line. The fields
// are kept in a fixed array rather than common::Fields, whose inline capacity the events line
// (28 fields) exceeds: that would allocate on every parse.
class LineCursor {
 public:
  // More than any line the parser reads has (an RDMA transport line: 2 + up to 31 counters).
  static constexpr size_t kMaxFields = 40;

  LineCursor(absl::string_view text, absl::string_view file) : rest_(text), file_(file) {}

  bool Next() {
    if (!common::NextLine(&rest_, &line_)) return false;
    ++line_no_;
    size_ = 0;
    too_many_ = false;
    absl::string_view rest = line_;
    for (absl::string_view f = common::NextField(&rest); !f.empty(); f = common::NextField(&rest)) {
      if (size_ == kMaxFields) {
        too_many_ = true;
        break;
      }
      fields_[size_++] = f;
    }
    return true;
  }
  // The line's fields; only the first kMaxFields when too_many().
  absl::Span<const absl::string_view> fields() const { return {fields_, size_}; }
  bool too_many() const { return too_many_; }

  absl::Status Error(absl::string_view problem) const {
    return common::LineError(file_, line_no_, line_, problem);
  }
  // Parses fields()[i] as a decimal uint64.
  absl::Status Uint(size_t i, uint64_t* out) const {
    absl::Status s = common::ParseUint64(fields_[i], "value", out);
    return s.ok() ? s : Error(s.message());
  }

 private:
  absl::string_view rest_;
  absl::string_view file_;
  absl::string_view line_;
  size_t line_no_ = 0;
  absl::string_view fields_[kMaxFields];
  size_t size_ = 0;
  bool too_many_ = false;
};

// The fields after fields()[0], which must be exactly `n` counters, into out[0, n).
absl::Status Counters(const LineCursor& c, size_t n, uint64_t* out) {
  if (c.too_many()) return c.Error(absl::StrCat("more than ", LineCursor::kMaxFields, " fields"));
  const size_t got = c.fields().size() - 1;
  if (got != n) {
    return c.Error(absl::StrCat("expected ", n, " counters, got ", got));
  }
  for (size_t i = 0; i < n; ++i) HM_RETURN_IF_ERROR(c.Uint(i + 1, &out[i]));
  return absl::OkStatus();
}

// "xprt: <protocol> <counters>" (net/sunrpc/xprtsock.c xs_{tcp,udp}_print_stats,
// xprtrdma/transport.c xprt_rdma_print_stats). Which counters a line has depends on the
// statistics version and the protocol; procfs maps them onto one layout, and so does this.
absl::Status ParseTransport(const LineCursor& c, absl::string_view version, NfsTransportStats* t) {
  const absl::Span<const absl::string_view> f = c.fields();
  if (c.too_many()) return c.Error(absl::StrCat("more than ", LineCursor::kMaxFields, " fields"));
  const absl::string_view protocol = f[1];
  const size_t n = f.size() - 2;
  bool length_ok;
  if (version == "1.0") {
    if (protocol != "tcp" && protocol != "udp") {
      return c.Error(
          absl::StrCat("unknown transport \"", protocol, "\" in statistics version 1.0"));
    }
    length_ok = n == (protocol == "tcp" ? 10u : 7u);
  } else if (version == "1.1") {
    if (protocol != "tcp" && protocol != "udp" && protocol != "rdma") {
      return c.Error(
          absl::StrCat("unknown transport \"", protocol, "\" in statistics version 1.1"));
    }
    length_ok = protocol == "rdma" ? n >= 20 : n == (protocol == "tcp" ? 13u : 10u);
  } else {
    return c.Error(absl::StrCat("unknown statistics version \"", version, "\""));
  }
  if (!length_ok) {
    return c.Error(absl::StrCat(n, " counters is not a ", protocol,
                                " transport of statistics version ", version));
  }
  // procfs reads at most 31 counters (the longest RDMA line); every one must be a number.
  uint64_t r[31] = {};
  for (size_t i = 0; i < n; ++i) {
    uint64_t v;
    HM_RETURN_IF_ERROR(c.Uint(i + 2, &v));
    if (i < 31) r[i] = v;
  }
  // tcp: port bind connect connect_idle idle sends recvs bad_xids req_u bklog_u [max_slots
  //      sending_u pending_u]
  // udp: port bind sends recvs bad_xids req_u bklog_u [max_slots sending_u pending_u]
  // rdma: port bind connect connect_idle idle sends recvs bad_xids req_u bklog_u, then RDMA
  //      counters (no max_slots/sending_u/pending_u)
  *t = NfsTransportStats{};
  t->protocol = protocol;
  t->bind = r[1];
  if (protocol == "udp") {
    t->sends = r[2];
    t->receives = r[3];
    t->bad_transaction_ids = r[4];
    t->cumulative_backlog = r[6];
    t->maximum_rpc_slots_used = r[7];
    t->cumulative_sending_queue = r[8];
    t->cumulative_pending_queue = r[9];
    return absl::OkStatus();
  }
  t->connect = r[2];
  t->idle_time_seconds = r[4];
  t->sends = r[5];
  t->receives = r[6];
  t->bad_transaction_ids = r[7];
  t->cumulative_backlog = r[9];
  if (protocol == "tcp") {
    t->maximum_rpc_slots_used = r[10];
    t->cumulative_sending_queue = r[11];
    t->cumulative_pending_queue = r[12];
  }
  return absl::OkStatus();
}

// The statistics after an NFS mount's "device" line, up to the blank line that ends them.
absl::Status ParseNfsStats(LineCursor& c, absl::string_view version, MountStatsEntry* m) {
  m->has_nfs_stats = true;
  // Lines up to "per-op statistics" (or a blank line); lines procfs does not read (caps:,
  // nfsv4:, sec:, RPC iostats version:) are skipped.
  while (c.Next()) {
    const absl::Span<const absl::string_view> f = c.fields();
    if (f.empty()) break;
    const absl::string_view key = f[0];
    if (key == "per-op") break;
    const bool known = key == "opts:" || key == "age:" || key == "bytes:" || key == "events:";
    if (known && f.size() < 2) return c.Error("no values");
    if (key == "age:") {
      HM_RETURN_IF_ERROR(c.Uint(1, &m->age_seconds));
      if (m->age_seconds > kMaxAgeSeconds) return c.Error("age out of range");
    } else if (key == "bytes:") {
      HM_RETURN_IF_ERROR(Counters(c, kNfsByteCounters, m->bytes));
    } else if (key == "events:") {
      HM_RETURN_IF_ERROR(Counters(c, kNfsEventCounters, m->events));
    } else if (key == "xprt:") {
      if (f.size() < 3) return c.Error("no transport counters");
      m->transports.emplace_back();
      HM_RETURN_IF_ERROR(ParseTransport(c, version, &m->transports.back()));
    }
  }
  // The per-op lines, up to a blank line (or the end).
  while (c.Next()) {
    const absl::Span<const absl::string_view> f = c.fields();
    if (f.empty()) break;
    if (c.too_many()) return c.Error(absl::StrCat("more than ", LineCursor::kMaxFields, " fields"));
    if (f.size() < 9) {
      return c.Error(
          absl::StrCat("expected an operation and at least 8 counters, got ", f.size(), " fields"));
    }
    uint64_t v[8];
    for (size_t i = 1; i < f.size(); ++i) {
      uint64_t value;
      HM_RETURN_IF_ERROR(c.Uint(i, &value));
      if (i <= 8) v[i - 1] = value;
    }
    absl::string_view name = f[0];
    absl::ConsumeSuffix(&name, ":");
    m->operations.push_back(
        NfsOperationStats{name, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]});
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status MountStats::Parse(absl::string_view text, absl::string_view file) {
  size_ = 0;
  LineCursor c(text, file);
  while (c.Next()) {
    const absl::Span<const absl::string_view> f = c.fields();
    if (f.empty() || f[0] != "device") continue;
    if (f.size() < 8 || f[2] != "mounted" || f[3] != "on" || f[5] != "with" || f[6] != "fstype") {
      return c.Error("expected \"device <device> mounted on <mount point> with fstype <type>\"");
    }
    if (size_ == entries_.size()) entries_.emplace_back();
    MountStatsEntry& m = entries_[size_++];
    m.device = f[1];
    m.mount_point = f[4];
    m.fstype = f[7];
    m.has_nfs_stats = false;
    m.age_seconds = 0;
    std::fill(std::begin(m.bytes), std::end(m.bytes), 0);
    std::fill(std::begin(m.events), std::end(m.events), 0);
    m.transports.clear();
    m.operations.clear();
    if (f.size() > 8) {
      if (m.fstype != "nfs" && m.fstype != "nfs4") {
        return c.Error(absl::StrCat("statistics for fstype \"", m.fstype,
                                    "\"; only nfs and nfs4 statistics are known"));
      }
      absl::string_view version = f[8];
      absl::ConsumePrefix(&version, "statvers=");
      HM_RETURN_IF_ERROR(ParseNfsStats(c, version, &m));
    }
  }
  return absl::OkStatus();
}

absl::Status ParseMountInfoAddrs(absl::string_view text, absl::string_view file,
                                 std::vector<absl::string_view>* addrs) {
  addrs->clear();
  absl::string_view line;
  size_t line_no = 0;
  while (common::NextLine(&text, &line)) {
    ++line_no;
    // procfs splits on single spaces (a doubled space makes an empty field) and reads the mount
    // and parent IDs, the separator fourth from the end and the superblock options last.
    size_t spaces = 0;
    for (char ch : line) spaces += ch == ' ';
    if (spaces < 9) return common::LineError(file, line_no, line, "fewer than 10 fields");
    size_t cut[4];  // positions of the last four spaces, the last first
    size_t pos = line.size();
    for (size_t& p : cut) pos = p = line.rfind(' ', pos - 1);
    if (line.substr(cut[3] + 1, cut[2] - cut[3] - 1) != "-") {
      return common::LineError(file, line_no, line, "no \"-\" separator fourth from the end");
    }
    const size_t first = line.find(' ');
    const size_t second = line.find(' ', first + 1);
    int64_t id;
    if (!common::ParseInt64(line.substr(0, first), "mount ID", &id).ok() ||
        !common::ParseInt64(line.substr(first + 1, second - first - 1), "parent ID", &id).ok()) {
      return common::LineError(file, line_no, line, "mount or parent ID is not a number");
    }
    // Superblock options: "a,b=c,..."; procfs keeps the last of a repeated key and, for "k=v=w",
    // the value up to the second '='.
    absl::string_view addr;
    absl::string_view options = line.substr(cut[0] + 1);
    while (true) {
      const size_t comma = options.find(',');
      const absl::string_view option = options.substr(0, comma);
      const size_t eq = option.find('=');
      if (option.substr(0, eq) == "addr") {
        addr = eq == absl::string_view::npos
                   ? absl::string_view()
                   : option.substr(eq + 1, option.find('=', eq + 1) - eq - 1);
      }
      if (comma == absl::string_view::npos) break;
      options.remove_prefix(comma + 1);
    }
    addrs->push_back(addr);
  }
  return absl::OkStatus();
}

}  // namespace hostmon::agent
