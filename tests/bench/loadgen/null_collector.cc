// SPDX-License-Identifier: Apache-2.0
//
// hostmon-null-collector: the transport floor of the fleet benchmark (tests/bench/fleet.py).
//
// It serves the collector's ingest protocol (proto/hostmon/ingest/v1) with the collector's own
// server settings (ApplyIngestServerSettings, PrepareGrpcEnvironment) and the same callback
// reactor shape: every message is read and parsed into an AgentMessage, and every batch is
// acknowledged at once, one Ack per batch, as the collector does. Nothing is validated, stored or
// evaluated. Its CPU per acknowledged sample is what gRPC, protobuf and the kernel cost for the
// same arrivals; the collector's figure beside it shows what the store and rules add.
#include <grpcpp/grpcpp.h>
#include <pthread.h>

#include <csignal>
#include <cstdio>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include "collector/collector.h"
#include "common/flags.h"
#include "hostmon/ingest/v1/ingest.grpc.pb.h"

namespace pb = hostmon::ingest::v1;

namespace {

class NullStream : public grpc::ServerBidiReactor<pb::AgentMessage, pb::CollectorMessage> {
 public:
  NullStream() { StartRead(&in_); }

  void OnReadDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!ok) {
      read_closed_ = true;
      MaybeFinishLocked();
      return;
    }
    if (in_.has_batch()) {
      pending_.push_back(in_.batch().sequence());
      MaybeWriteLocked();
    }
    StartRead(&in_);
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    writing_ = false;
    if (!ok) pending_.clear();
    MaybeWriteLocked();
    MaybeFinishLocked();
  }

  void OnDone() override { delete this; }

 private:
  void MaybeWriteLocked() {
    if (writing_ || pending_.empty()) return;
    out_.Clear();
    out_.mutable_ack()->add_sequences(pending_.front());
    pending_.pop_front();
    writing_ = true;
    StartWrite(&out_);
  }

  void MaybeFinishLocked() {
    if (read_closed_ && !writing_ && !finished_) {
      finished_ = true;
      Finish(grpc::Status::OK);
    }
  }

  std::mutex mu_;
  pb::AgentMessage in_;
  pb::CollectorMessage out_;
  std::deque<uint64_t> pending_;
  bool writing_ = false, read_closed_ = false, finished_ = false;
};

class Service final : public pb::Ingest::CallbackService {
  grpc::ServerBidiReactor<pb::AgentMessage, pb::CollectorMessage>* Stream(
      grpc::CallbackServerContext* /*ctx*/) override {
    return new NullStream();
  }
};

}  // namespace

int main(int argc, char** argv) {
  hostmon::collector::PrepareGrpcEnvironment();
  std::string listen = "127.0.0.1:0";
  hostmon::common::FlagSet flags("hostmon-null-collector");
  flags.String("grpc.listen-address", &listen, "host:port to serve the ingest protocol on");
  absl::Status parsed = flags.Parse(argc, argv);
  if (flags.help_requested()) {
    std::fputs(flags.Usage().c_str(), stdout);
    return 0;
  }
  if (!parsed.ok()) {
    std::fprintf(stderr, "hostmon-null-collector: %s\n%s", std::string(parsed.message()).c_str(),
                 flags.Usage().c_str());
    return 2;
  }
  // SIGTERM and SIGINT are blocked in every thread (gRPC's inherit the mask) and taken by
  // sigwait below, so none is lost or handled by another thread.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  Service service;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  hostmon::collector::ApplyIngestServerSettings(&builder);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    std::fprintf(stderr, "hostmon-null-collector: cannot listen on %s\n", listen.c_str());
    return 1;
  }
  // The port on stdout, for the benchmark that asked for port 0.
  std::printf("{\"grpc_port\": %d}\n", port);
  std::fflush(stdout);
  int signal = 0;
  sigwait(&stop_signals, &signal);
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  return 0;
}
