// SPDX-License-Identifier: Apache-2.0
//
// The nfs source and its parser over node_exporter's fixture /proc/net/rpc/nfs (copied to
// tests/fixtures/proc/net/rpc/nfs; its proc4 line is from an older kernel with 48 procedures),
// and malformed files.
#include "agent/sources/nfs/nfs_source.h"

#include <catch2/catch.hpp>
#include <string>

#include "agent/sources/nfs/nfs_parser.h"
#include "agent/sources/nfs/nfsd_source.h"
#include "fakes/fixtures.h"
#include "fakes/sample_recorder.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

TEST_CASE("ParseNfsClientStats: groups, procedure tables, a short proc4", "[agent][nfs]") {
  NfsClientStats s;
  REQUIRE(ParseNfsClientStats("net 70 70 69 45\n"
                              "rpc 1218785755 374636 1218815394\n"
                              "proc3 22 0 1061909262 48906 4077635 117661341 5 29391916 2570425 "
                              "2993289 590 0 0 7815 15 1130 0 3983 92385 13332 2 1 23729\n"
                              "proc4 3 98 51 54\n",
                              "nfs", &s)
              .ok());
  CHECK(s.udp_packets == 70);
  CHECK(s.tcp_packets == 69);
  CHECK(s.tcp_connections == 45);
  CHECK(s.rpcs == 1218785755);
  CHECK(s.retransmissions == 374636);
  CHECK(s.auth_refreshes == 1218815394);
  CHECK(kNfsV3Procedures[4] == "Access");
  CHECK(s.v3[4] == 117661341);
  CHECK(s.v3[21] == 23729);
  CHECK(s.v4[0] == 98);  // Null
  CHECK(s.v4[2] == 54);  // Write
  CHECK(s.v4[3] == 0);   // beyond the kernel's 3: zero, as node_exporter pads
  CHECK(s.v2[0] == 0);   // no proc2 line
}

TEST_CASE("ParseNfsClientStats rejects malformed groups naming them", "[agent][nfs]") {
  NfsClientStats s;
  CHECK(ParseNfsClientStats("net 1 2 3\n", "f", &s)
            .message()
            .find("net: expected 4 values, "
                  "got 3") != std::string::npos);
  CHECK(ParseNfsClientStats("proc3 22 1 2\n", "f", &s)
            .message()
            .find("proc3: procedure count 22 but 2 values follow") != std::string::npos);
  CHECK(ParseNfsClientStats("proc2 2 1 2\n", "f", &s)
            .message()
            .find("proc2: expected at least 18 procedures, got 2") != std::string::npos);
  CHECK_FALSE(ParseNfsClientStats("rpc 1 x 3\n", "f", &s).ok());
  CHECK_FALSE(ParseNfsClientStats("rpc 1 -2 3\n", "f", &s).ok());
  CHECK_FALSE(ParseNfsClientStats("proc4\n", "f", &s).ok());
  // A group this parser does not know (newer kernels) is skipped.
  CHECK(ParseNfsClientStats("xprt 1 2\nrpc 1 2 3\n", "f", &s).ok());
  CHECK(s.rpcs == 1);
}

TEST_CASE("nfs source exports node_exporter's families from the fixture", "[agent][nfs]") {
  const common::FsRoot fs = testing::FixtureRoot();
  SourcePtr source = MakeNfsSource(SourceContext{&fs}).value();
  testing::SampleRecorder out;
  REQUIRE(source->Collect(out).ok());
  CHECK(out.samples.size() == 6 + 18 + 22 + 59);
  CHECK(out.Get("node_nfs_packets_total{protocol=\"udp\"}") == 70);
  CHECK(out.Get("node_nfs_connections_total") == 45);
  CHECK(out.Get("node_nfs_requests_total{method=\"Access\",proto=\"3\"}") == 117661341);
  CHECK(out.Get("node_nfs_requests_total{method=\"Access\",proto=\"4\"}") == 58);
  CHECK(out.Get("node_nfs_requests_total{method=\"Clone\",proto=\"4\"}") == 0);
  CHECK(out.types["node_nfs_requests_total"] == kCounter);
}

TEST_CASE("nfs source is NotFound without the NFS client", "[agent][nfs]") {
  testing::ScopedTempDir dir;
  const common::FsRoot fs(dir.File("proc"), dir.File("sys"), dir.path());
  testing::SampleRecorder out;
  CHECK(absl::IsNotFound(MakeNfsSource(SourceContext{&fs}).value()->Collect(out)));
}

TEST_CASE("ParseNfsServerStats: every group of the fixture and older/newer kernels",
          "[agent][nfsd]") {
  NfsServerStats s;
  REQUIRE(ParseNfsServerStats("rc 0 6 18622\n"
                              "fh 0 0 0 0 0\n"
                              "io 157286400 72864\n"
                              "th 8 0 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000\n"
                              "ra 32 0 0 0 0 0 0 0 0 0 0 7\n"
                              "net 972 55 917 1\n"
                              "rpc 18628 3 1 2 0\n"
                              "proc4 2 2 10853\n"
                              "wdeleg_getattr 15\n",
                              "nfsd", &s)
              .ok());
  CHECK(s.reply_cache_misses == 6);
  CHECK(s.reply_cache_nocache == 18622);
  CHECK(s.bytes_read == 157286400);
  CHECK(s.threads == 8);  // the histogram after it is not parsed
  CHECK(s.read_ahead_cache_size == 32);
  CHECK(s.read_ahead_not_found == 7);
  CHECK(s.tcp_packets == 917);
  CHECK(s.rpcs == 18628);
  CHECK(s.bad_format == 1);
  CHECK(s.bad_auth == 2);
  CHECK(s.wdeleg_getattr == 15);

  // proc4ops: 39 operations (no RelLockOwner) and 72 (a current kernel; extra ones ignored).
  std::string ops39 = "proc4ops 39";
  for (int i = 1; i <= 39; ++i) ops39 += " " + std::to_string(i);
  REQUIRE(ParseNfsServerStats(ops39 + "\n", "f", &s).ok());
  CHECK(kNfsdV4Ops[0].name == "Access");
  CHECK(s.v4_ops[0] == 4);                   // Access is the 4th
  CHECK(s.v4_ops[kNumNfsdV4Ops - 2] == 39);  // Write
  CHECK(s.v4_ops[kNumNfsdV4Ops - 1] == 0);   // RelLockOwner: not counted by this kernel
  std::string ops72 = "proc4ops 72";
  for (int i = 1; i <= 72; ++i) ops72 += " " + std::to_string(i);
  REQUIRE(ParseNfsServerStats(ops72 + "\n", "f", &s).ok());
  CHECK(s.v4_ops[kNumNfsdV4Ops - 1] == 40);
}

TEST_CASE("ParseNfsServerStats rejects malformed groups", "[agent][nfsd]") {
  NfsServerStats s;
  CHECK(ParseNfsServerStats("rc 1 2\n", "f", &s).message().find("rc: expected 3 values, got 2") !=
        std::string::npos);
  CHECK_FALSE(ParseNfsServerStats("rpc 1 2 3 4\n", "f", &s).ok());
  CHECK_FALSE(ParseNfsServerStats("proc4 3 1 2 3\n", "f", &s).ok());
  CHECK(ParseNfsServerStats("proc4ops 2 1 2\n", "f", &s)
            .message()
            .find("expected at least 39 operations, got 2") != std::string::npos);
  CHECK_FALSE(ParseNfsServerStats("proc4ops 40 1 2\n", "f", &s).ok());
  CHECK_FALSE(ParseNfsServerStats("io 1 x\n", "f", &s).ok());
  CHECK_FALSE(ParseNfsServerStats("wdeleg_getattr\n", "f", &s).ok());
  CHECK(ParseNfsServerStats("newgroup 1 2 3\n", "f", &s).ok());  // skipped
}

TEST_CASE("nfsd source exports node_exporter's families from the fixture", "[agent][nfsd]") {
  const common::FsRoot fs = testing::FixtureRoot();
  SourcePtr source = MakeNfsdSource(SourceContext{&fs}).value();
  testing::SampleRecorder out;
  REQUIRE(source->Collect(out).ok());
  // 16 single series + 17 v2 + 21 v3 procedures + 35 v4 operations + WdelegGetattr.
  CHECK(out.samples.size() == 16 + 17 + 21 + 35 + 1);
  CHECK(out.Get("node_nfsd_reply_cache_nocache_total") == 18622);
  CHECK(out.Get("node_nfsd_packets_total{proto=\"tcp\"}") == 917);
  CHECK(out.Get("node_nfsd_rpc_errors_total{error=\"auth\"}") == 2);
  CHECK(out.Get("node_nfsd_requests_total{method=\"GetAttr\",proto=\"2\"}") == 69);
  CHECK(out.Get("node_nfsd_requests_total{method=\"Lookup\",proto=\"3\"}") == 2719);
  CHECK(out.Get("node_nfsd_requests_total{method=\"GetAttr\",proto=\"4\"}") == 8179);
  CHECK(out.Get("node_nfsd_requests_total{method=\"WdelegGetattr\",proto=\"4\"}") == 15);
  CHECK_FALSE(out.Has("node_nfsd_requests_total{method=\"Null\",proto=\"3\"}"));
  CHECK(out.types["node_nfsd_server_threads"] == kGauge);
}

}  // namespace
}  // namespace hostmon::agent
