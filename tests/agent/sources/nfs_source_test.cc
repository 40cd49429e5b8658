// SPDX-License-Identifier: Apache-2.0
//
// The nfs source and its parser over node_exporter's fixture /proc/net/rpc/nfs (copied to
// tests/fixtures/proc/net/rpc/nfs; its proc4 line is from an older kernel with 48 procedures),
// and malformed files.
#include "agent/sources/nfs/nfs_source.h"

#include <catch2/catch.hpp>
#include <string>

#include "agent/sources/nfs/nfs_parser.h"
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

}  // namespace
}  // namespace hostmon::agent
