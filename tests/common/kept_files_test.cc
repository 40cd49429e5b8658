// SPDX-License-Identifier: Apache-2.0
#include "common/kept_files.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/bounded_read.h"
#include "common/fs_root.h"
#include "fakes/fake_clock.h"
#include "fakes/temp_dir.h"

namespace hostmon::common {
namespace {

using testing::FakeClock;
using testing::ScopedTempDir;

KeptFiles::Keep AnyFile(int, const std::string&) { return KeptFiles::Keep::kYes; }
KeptFiles::Keep AnyFileWhole(int, const std::string&) { return KeptFiles::Keep::kWholeInOneRead; }

// Read syscalls this thread has made (/proc/thread-self/io "syscr"), read with one pread(2),
// which itself counts once.
class ReadCalls {
 public:
  ReadCalls() : fd_(::open("/proc/thread-self/io", O_RDONLY | O_CLOEXEC)) {}
  ~ReadCalls() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return fd_ >= 0 && Now() >= 0; }
  long long Now() const {
    char buf[1024];
    ssize_t n = ::pread(fd_, buf, sizeof buf - 1, 0);
    if (n <= 0) return -1;
    buf[n] = 0;
    const char* p = std::strstr(buf, "syscr: ");
    return p == nullptr ? -1 : std::atoll(p + 7);
  }

 private:
  int fd_;
};

// Read syscalls made by one k.Read(path).
long long ReadsFor(KeptFiles& k, const std::string& path, std::string* out) {
  ReadCalls calls;
  const long long before = calls.Now();
  absl::Status s = k.Read(path, out, kDefaultMaxFileBytes);
  const long long after = calls.Now();
  INFO(path << ": " << s.ToString());
  REQUIRE(s.ok());
  return after - before - 1;  // the first Now()'s own pread
}

// Any file kept, each vouched for by its own directory.
KeptFiles::Options KeepAny() {
  KeptFiles::Options o;
  o.keepable = &AnyFile;
  o.identity_dir = &KeptFiles::ParentDir;
  return o;
}

std::string MustRead(KeptFiles& k, const std::string& path) {
  std::string out;
  absl::Status s = k.Read(path, &out, kDefaultMaxFileBytes);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return out;
}

TEST_CASE("KeptFiles re-reads a kept file from its start without opening it again",
          "[common][kept_files]") {
  ScopedTempDir tmp;
  const std::string f = tmp.Write("a", "one\n");
  FakeClock clock;
  KeptFiles k(KeepAny(), &clock);
  CHECK(MustRead(k, f) == "one\n");
  // Rewritten in place (the same inode), as the kernel renders a kept procfs file anew.
  tmp.Write("a", "two, longer\n");
  CHECK(MustRead(k, f) == "two, longer\n");
  tmp.Write("a", "3\n");
  CHECK(MustRead(k, f) == "3\n");
  const KeptFiles::Stats s = k.stats();
  CHECK(s.opens == 1);
  CHECK(s.kept_reads == 2);
  CHECK(s.kept == 1);
}

TEST_CASE("KeptFiles opens a file again when its directory is another one",
          "[common][kept_files]") {
  ScopedTempDir tmp;
  const std::string f = tmp.Write("eth0/mtu", "1500\n");
  FakeClock clock;
  KeptFiles::Options o = KeepAny();
  o.dir_check = absl::Milliseconds(200);
  KeptFiles k(o, &clock);
  CHECK(MustRead(k, f) == "1500\n");

  // The interface is renamed and another one takes its name (a renamed network interface moves
  // its sysfs directory, which a kept descriptor follows).
  REQUIRE(::rename(tmp.File("eth0").c_str(), tmp.File("eth1").c_str()) == 0);
  tmp.Write("eth0/mtu", "9000\n");
  // Within one check period the directory is not looked at again: the old descriptor answers.
  CHECK(MustRead(k, f) == "1500\n");
  clock.Advance(absl::Milliseconds(200));
  CHECK(MustRead(k, f) == "9000\n");
  CHECK(k.stats().reopens == 1);
  CHECK(k.stats().opens == 2);

  // Gone altogether: NotFound, as a first read would say, and nothing kept for it.
  REQUIRE(::rename(tmp.File("eth0").c_str(), tmp.File("eth2").c_str()) == 0);
  clock.Advance(absl::Milliseconds(200));
  std::string out;
  absl::Status s = k.Read(f, &out, kDefaultMaxFileBytes);
  CHECK(absl::IsNotFound(s));
  CHECK(s.message().find(f) != absl::string_view::npos);
  CHECK(k.stats().kept == 0);
}

TEST_CASE("KeptFiles checks the directories of renamable objects only", "[common][kept_files]") {
  CHECK(KeptFiles::RenamableObjectDir("/sys/class/net/eth0/statistics/rx_bytes") ==
        "/sys/class/net/eth0");
  CHECK(KeptFiles::RenamableObjectDir("/sys/class/net/eth0/mtu") == "/sys/class/net/eth0");
  CHECK(KeptFiles::RenamableObjectDir("/host/sys/class/infiniband/mlx5_0/ports/1/rate") ==
        "/host/sys/class/infiniband/mlx5_0");
  CHECK(KeptFiles::RenamableObjectDir("/sys/class/net/bonding_masters").empty());
  CHECK(KeptFiles::RenamableObjectDir("/sys/block/sda/stat").empty());
  CHECK(KeptFiles::RenamableObjectDir("/proc/net/dev").empty());
  CHECK(KeptFiles::ParentDir("/proc/net/dev") == "/proc/net");
  CHECK(KeptFiles::ParentDir("/x") == "/");
}

TEST_CASE("KeptFiles closes a file that was not read for idle_close", "[common][kept_files]") {
  ScopedTempDir tmp;
  const std::string a = tmp.Write("a", "a\n");
  const std::string b = tmp.Write("b", "b\n");
  FakeClock clock;
  KeptFiles::Options o = KeepAny();
  o.idle_close = absl::Minutes(10);
  KeptFiles k(o, &clock);
  MustRead(k, a);
  MustRead(k, b);
  CHECK(k.stats().kept == 2);
  // Idle files are looked for every idle_close / 4.
  for (int i = 0; i < 13; ++i) {
    clock.Advance(absl::Minutes(1));
    MustRead(k, a);
  }
  // b was last read 13 minutes ago, a just now.
  CHECK(k.stats().kept == 1);
  CHECK(MustRead(k, b) == "b\n");
  CHECK(k.stats().opens == 3);
}

TEST_CASE("KeptFiles keeps at most max_files and reads the rest as before",
          "[common][kept_files]") {
  ScopedTempDir tmp;
  FakeClock clock;
  KeptFiles::Options o = KeepAny();
  o.max_files = 3;
  KeptFiles k(o, &clock);
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 5; ++i) {
      const std::string f = tmp.Write(absl::StrCat("f", i), absl::StrCat(i, "/", round));
      CHECK(MustRead(k, f) == absl::StrCat(i, "/", round));
    }
  }
  CHECK(k.stats().kept == 3);
  CHECK(k.stats().opens == 5 + 2);
}

TEST_CASE("KeptFiles keeps the bounds and errors of ReadFileTo", "[common][kept_files]") {
  ScopedTempDir tmp;
  FakeClock clock;
  KeptFiles k(KeepAny(), &clock);
  std::string out;
  CHECK(absl::IsNotFound(k.Read(tmp.File("missing"), &out, kDefaultMaxFileBytes)));
  // Not a regular file: refused before it is read, never kept.
  absl::Status s = k.Read(tmp.path(), &out, kDefaultMaxFileBytes);
  CHECK(s.message().find("not a regular file") != absl::string_view::npos);
  // Over the cap, at the first read and when a kept file grows past it.
  const std::string f = tmp.Write("f", "12345");
  CHECK(absl::IsResourceExhausted(k.Read(f, &out, 4)));
  CHECK(MustRead(k, f) == "12345");
  tmp.Write("f", "1234567890");
  s = k.Read(f, &out, 8);
  CHECK(absl::IsResourceExhausted(s));
  CHECK(out.empty());
  CHECK(k.stats().kept == 0);
  CHECK(MustRead(k, f) == "1234567890");
}

TEST_CASE("KeptFiles keeps only procfs and sysfs files by default", "[common][kept_files]") {
  ScopedTempDir tmp;
  const std::string f = tmp.Write("a", "x");
  KeptFiles k(KeptFiles::Options{});
  MustRead(k, f);
  MustRead(k, f);
  CHECK(k.stats().kept == 0);
  CHECK(k.stats().opens == 2);

  // /proc/uptime changes every 10 ms: a kept descriptor sees it change, as a new open would.
  const std::string first = MustRead(k, "/proc/uptime");
  ::usleep(30000);
  const std::string second = MustRead(k, "/proc/uptime");
  CHECK(first != second);
  CHECK(k.stats().kept == 1);
  CHECK(k.stats().opens == 3);
}

TEST_CASE("KeptFiles keeps a file whose read fails with the file's own answer",
          "[common][kept_files]") {
  // The loopback interface has no link speed: its show handler answers EINVAL.
  const std::string speed = "/sys/class/net/lo/speed";
  KeptFiles k(KeptFiles::Options{});
  std::string out;
  absl::Status first = k.Read(speed, &out, kDefaultMaxFileBytes);
  if (first.ok()) {
    WARN(speed << " reads on this kernel: not run");
    return;
  }
  CHECK(first.message().find("read " + speed) == 0);
  absl::Status second = k.Read(speed, &out, kDefaultMaxFileBytes);
  CHECK(second == first);
  CHECK(k.stats().opens == 1);
  CHECK(k.stats().kept == 1);
}

TEST_CASE("KeptFiles keeps no file of another process", "[common][kept_files]") {
  KeptFiles k(KeptFiles::Options{});
  const std::string own = absl::StrCat("/proc/", ::getpid(), "/stat");
  MustRead(k, own);
  MustRead(k, "/proc/self/stat");
  MustRead(k, "/proc/1/stat");
  const KeptFiles::Stats s = k.stats();
  CHECK(s.kept == 2);  // self and init; the same process by its number is not kept
  CHECK(s.opens == 3);
}

TEST_CASE("KeptFiles answers for an exited process as a new open would", "[common][kept_files]") {
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::pause();
    ::_exit(0);
  }
  const std::string stat = absl::StrCat("/proc/", child, "/stat");
  FakeClock clock;
  KeptFiles::Options o;
  o.keepable = &AnyFile;  // another process's file, kept to see its read fail
  // No directory check: the failed read of the kept descriptor (ESRCH) is what notices.
  o.dir_check = absl::InfiniteDuration();
  KeptFiles k(o, &clock);
  CHECK(MustRead(k, stat).find(absl::StrCat(child, " (")) == 0);
  CHECK(k.stats().kept == 1);
  ::kill(child, SIGKILL);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  std::string out;
  absl::Status s = k.Read(stat, &out, kDefaultMaxFileBytes);
  CHECK(absl::IsNotFound(s));
  CHECK(k.stats().kept == 0);
  CHECK(k.stats().reopens == 1);
}

// In a network and mount namespace of its own, with sysfs mounted there: real interfaces are
// renamed and removed under kept descriptors. Runs in a child process (it changes namespaces);
// returns "" or what went wrong.
std::string RenamedInterfaceChild() {
  if (::unshare(CLONE_NEWNET | CLONE_NEWNS) != 0) return "unshare: needs CAP_SYS_ADMIN";
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return "mount private";
  if (::mount("sysfs", "/sys", "sysfs", 0, nullptr) != 0) return "mount sysfs";
  auto sh = [](const std::string& cmd) { return std::system((cmd + " 2>&1").c_str()) == 0; };
  // dummy where the kernel has it, else ifb (either makes a plain interface).
  auto add = [&](const std::string& name, int mtu) {
    return sh(absl::StrCat("{ ip link add ", name, " type dummy 2>/dev/null || ip link add ", name,
                           " type ifb; } && ip link set ", name, " mtu ", mtu));
  };
  if (!add("hm0", 1400)) return "ip link add hm0";
  FakeClock clock;
  KeptFiles::Options checked;  // procfs/sysfs only, as the agent runs it
  KeptFiles k(checked, &clock);
  KeptFiles::Options unchecked;
  unchecked.dir_check = absl::InfiniteDuration();
  KeptFiles stale(unchecked, &clock);
  const std::string mtu = "/sys/class/net/hm0/mtu";
  std::string out;
  auto read = [&](KeptFiles& kf, const std::string& path) -> std::string {
    absl::Status s = kf.Read(path, &out, kDefaultMaxFileBytes);
    return s.ok() ? out : std::string(absl::StatusCodeToString(s.code()));
  };
  if (read(k, mtu) != "1400\n" || read(stale, mtu) != "1400\n") return "first read of hm0/mtu";
  if (k.stats().kept != 1) return "sysfs file not kept";
  if (!sh("ip link set hm0 name hm1") || !add("hm0", 1300)) return "ip link rename";
  clock.Advance(absl::Seconds(1));
  if (std::string got = read(k, mtu); got != "1300\n") {
    return "after rename, hm0/mtu read " + got + " (want the new hm0's 1300)";
  }
  // Without the directory check the kept descriptor follows the renamed interface: the hazard.
  if (std::string got = read(stale, mtu); got != "1400\n") {
    return "unchecked descriptor read " + got + " (want the renamed interface's 1400)";
  }
  // Removed: the kept descriptor's read fails (ENODEV) and a new open says NotFound.
  const std::string mtu1 = "/sys/class/net/hm1/mtu";
  if (read(stale, mtu1) != "1400\n") return "hm1/mtu";
  if (!sh("ip link del hm1")) return "ip link del hm1";
  if (std::string got = read(stale, mtu1); got != "NOT_FOUND") {
    return "after removal, hm1/mtu read " + got;
  }
  return "";
}

TEST_CASE("KeptFiles follows renamed and removed network interfaces", "[common][kept_files]") {
  if (::geteuid() != 0 || ::access("/usr/sbin/ip", X_OK) != 0) {
    WARN("needs root and iproute2 (a network namespace of its own): not run");
    return;
  }
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(fds[0]);
    const std::string err = RenamedInterfaceChild();
    (void)!::write(fds[1], err.data(), err.size());
    ::_exit(err.empty() ? 0 : 1);
  }
  ::close(fds[1]);
  std::string err;
  char buf[512];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) err.append(buf, n);
  ::close(fds[0]);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  INFO(err);
  CHECK(err.empty());
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("ReadFileTo reads through the installed KeptFiles", "[common][kept_files]") {
  KeptFiles k(KeptFiles::Options{});
  SetKeptFiles(&k);
  std::string out;
  absl::Status a = ReadFileTo("/proc/self/stat", &out);
  absl::Status b = ReadFileTo("/proc/self/stat", &out);
  SetKeptFiles(nullptr);
  CHECK(a.ok());
  CHECK(b.ok());
  CHECK(k.stats().opens == 1);
  CHECK(k.stats().kept_reads == 1);
  // Uninstalled: reads open the file again, the keeper sees nothing.
  CHECK(ReadFileTo("/proc/self/stat", &out).ok());
  CHECK(k.stats().opens == 1);
}

}  // namespace
}  // namespace hostmon::common

namespace hostmon::common {
namespace {

TEST_CASE("KeptFiles reads a sysfs attribute or a sysctl in one read, other files to a 0-byte read",
          "[common][kept_files]") {
  if (!ReadCalls().ok()) {
    WARN("/proc/thread-self/io is not readable here: not run");
    return;
  }
  KeptFiles k(KeptFiles::Options{});
  std::string out;
  for (const std::string path :
       {"/sys/class/net/lo/address", "/sys/devices/system/cpu/online", "/proc/sys/fs/file-nr"}) {
    std::string plain;
    REQUIRE(ReadFileTo(path, &plain).ok());
    CHECK(ReadsFor(k, path, &out) == 1);  // opened, read once and kept
    CHECK(ReadsFor(k, path, &out) == 1);  // the kept descriptor
    // The same content as a read to the end; of file-nr (allocated, free, max), the maximum,
    // as the others move.
    const std::vector<std::string> a = absl::StrSplit(out, absl::ByAnyChar(" \t"));
    const std::vector<std::string> b = absl::StrSplit(plain, absl::ByAnyChar(" \t"));
    CHECK(a.size() == b.size());
    CHECK(a.back() == b.back());
    CHECK(out.back() == '\n');
  }
  // Other procfs files are read to the 0-byte read: some are seq_files of several records,
  // which return about a page per read however much was asked.
  CHECK(ReadsFor(k, "/proc/meminfo", &out) == 2);
  CHECK(ReadsFor(k, "/proc/meminfo", &out) == 2);
  CHECK(absl::StrContains(out, "MemTotal:"));
  const std::string smaps = MustRead(k, "/proc/self/smaps");
  CHECK(smaps.size() > 2 * internal::kWholeReadBytes);
  CHECK(smaps.back() == '\n');
  CHECK(k.stats().kept == 5);
}

TEST_CASE("KeptFiles reads a whole-in-one-read file longer than one read to its end",
          "[common][kept_files]") {
  ScopedTempDir tmp;
  // A read that fills what it asked for is not the end, whatever the file's kind.
  const std::string big(3 * internal::kWholeReadBytes + 17, 'x');
  const std::string f = tmp.Write("big", big);
  const std::string g = tmp.Write("small", "42\n");
  KeptFiles::Options o = KeepAny();
  o.keepable = &AnyFileWhole;
  FakeClock clock;
  KeptFiles k(o, &clock);
  CHECK(MustRead(k, f) == big);
  CHECK(MustRead(k, f) == big);
  CHECK(MustRead(k, g) == "42\n");
  CHECK(k.stats().kept == 2);
}

TEST_CASE("KeptFiles::IsProcOrSys tells how each kind of file ends", "[common][kept_files]") {
  ScopedTempDir tmp;
  const std::string f = tmp.Write("a", "x");
  auto kind = [](const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    KeptFiles::Keep k = KeptFiles::IsProcOrSys(fd, path);
    ::close(fd);
    return k;
  };
  CHECK(kind(f) == KeptFiles::Keep::kNo);
  CHECK(kind("/sys/class/net/lo/mtu") == KeptFiles::Keep::kWholeInOneRead);
  CHECK(kind("/proc/sys/kernel/ostype") == KeptFiles::Keep::kWholeInOneRead);
  CHECK(kind("/proc/meminfo") == KeptFiles::Keep::kYes);
  // A procfs root whose own path has a "sys" in it: only its sys directory holds sysctls.
  REQUIRE(::mkdir((tmp.path() + "/sys").c_str(), 0755) == 0);
  REQUIRE(::symlink("/proc", (tmp.path() + "/sys/proc").c_str()) == 0);
  CHECK(kind(tmp.path() + "/sys/proc/meminfo") == KeptFiles::Keep::kYes);
  CHECK(kind(tmp.path() + "/sys/proc/self/smaps") == KeptFiles::Keep::kYes);
  CHECK(kind(tmp.path() + "/sys/proc/sys/kernel/ostype") == KeptFiles::Keep::kWholeInOneRead);
  CHECK(kind("/proc/self/stat") == KeptFiles::Keep::kYes);
  CHECK(kind(absl::StrCat("/proc/", ::getpid(), "/stat")) == KeptFiles::Keep::kNo);
}

}  // namespace
}  // namespace hostmon::common
