// SPDX-License-Identifier: Apache-2.0
//
// A raw client of hostmon.ingest.v1.Ingest/Stream that sends exactly the messages it is given,
// as a buggy or hostile peer would: for tests of what the collector accepts and rejects.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "grpcpp/grpcpp.h"
#include "hostmon/ingest/v1/ingest.grpc.pb.h"

namespace hostmon::testing {

// Sends `msgs` over one plaintext stream to 127.0.0.1:port, half-closes (without a goodbye
// unless `msgs` has one), appends every reply to *replies and returns the stream's status.
inline grpc::Status RawExchange(int port,
                                const std::vector<::hostmon::ingest::v1::AgentMessage>& msgs,
                                std::vector<::hostmon::ingest::v1::CollectorMessage>* replies) {
  auto channel =
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials());
  auto stub = ::hostmon::ingest::v1::Ingest::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  auto stream = stub->Stream(&ctx);
  for (const auto& m : msgs) {
    if (!stream->Write(m)) break;
  }
  stream->WritesDone();
  ::hostmon::ingest::v1::CollectorMessage reply;
  while (stream->Read(&reply)) replies->push_back(reply);
  return stream->Finish();
}

}  // namespace hostmon::testing
