// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/xfrm/xfrm_source.h"

#include <string>

#include "agent/sources/xfrm/xfrm_parser.h"
#include "common/status_macros.h"

namespace hostmon::agent {
namespace {

struct Counter {
  absl::string_view key;  // the name in /proc/net/xfrm_stat
  MetricDesc desc;
};

// node_exporter 1.12's collector/xfrm.go, in its order, help texts verbatim.
constexpr Counter kCounters[] = {
    {"XfrmInError",
     {"node_xfrm_in_error_packets_total", kCounter, "All errors not matched by other"}},
    {"XfrmInBufferError",
     {"node_xfrm_in_buffer_error_packets_total", kCounter, "No buffer is left"}},
    {"XfrmInHdrError", {"node_xfrm_in_hdr_error_packets_total", kCounter, "Header error"}},
    {"XfrmInNoStates",
     {"node_xfrm_in_no_states_packets_total", kCounter,
      "No state is found i.e. Either inbound SPI, address, or IPsec protocol at SA is wrong"}},
    {"XfrmInStateProtoError",
     {"node_xfrm_in_state_proto_error_packets_total", kCounter,
      "Transformation protocol specific error e.g. SA key is wrong"}},
    {"XfrmInStateModeError",
     {"node_xfrm_in_state_mode_error_packets_total", kCounter,
      "Transformation mode specific error"}},
    {"XfrmInStateSeqError",
     {"node_xfrm_in_state_seq_error_packets_total", kCounter,
      "Sequence error i.e. Sequence number is out of window"}},
    {"XfrmInStateExpired",
     {"node_xfrm_in_state_expired_packets_total", kCounter, "State is expired"}},
    {"XfrmInStateMismatch",
     {"node_xfrm_in_state_mismatch_packets_total", kCounter,
      "State has mismatch option e.g. UDP encapsulation type is mismatch"}},
    {"XfrmInStateInvalid",
     {"node_xfrm_in_state_invalid_packets_total", kCounter, "State is invalid"}},
    {"XfrmInTmplMismatch",
     {"node_xfrm_in_tmpl_mismatch_packets_total", kCounter,
      "No matching template for states e.g. Inbound SAs are correct but SP rule is wrong"}},
    {"XfrmInNoPols",
     {"node_xfrm_in_no_pols_packets_total", kCounter,
      "No policy is found for states e.g. Inbound SAs are correct but no SP is found"}},
    {"XfrmInPolBlock", {"node_xfrm_in_pol_block_packets_total", kCounter, "Policy discards"}},
    {"XfrmInPolError", {"node_xfrm_in_pol_error_packets_total", kCounter, "Policy error"}},
    {"XfrmOutError",
     {"node_xfrm_out_error_packets_total", kCounter, "All errors which is not matched others"}},
    {"XfrmOutBundleGenError",
     {"node_xfrm_out_bundle_gen_error_packets_total", kCounter, "Bundle generation error"}},
    {"XfrmOutBundleCheckError",
     {"node_xfrm_out_bundle_check_error_packets_total", kCounter, "Bundle check error"}},
    {"XfrmOutNoStates", {"node_xfrm_out_no_states_packets_total", kCounter, "No state is found"}},
    {"XfrmOutStateProtoError",
     {"node_xfrm_out_state_proto_error_packets_total", kCounter,
      "Transformation protocol specific error"}},
    {"XfrmOutStateModeError",
     {"node_xfrm_out_state_mode_error_packets_total", kCounter,
      "Transformation mode specific error"}},
    {"XfrmOutStateSeqError",
     {"node_xfrm_out_state_seq_error_packets_total", kCounter,
      "Sequence error i.e. Sequence number overflow"}},
    {"XfrmOutStateExpired",
     {"node_xfrm_out_state_expired_packets_total", kCounter, "State is expired"}},
    {"XfrmOutPolBlock", {"node_xfrm_out_pol_block_packets_total", kCounter, "Policy discards"}},
    {"XfrmOutPolDead", {"node_xfrm_out_pol_dead_packets_total", kCounter, "Policy is dead"}},
    {"XfrmOutPolError", {"node_xfrm_out_pol_error_packets_total", kCounter, "Policy error"}},
    {"XfrmFwdHdrError",
     {"node_xfrm_fwd_hdr_error_packets_total", kCounter,
      "Forward routing of a packet is not allowed"}},
    {"XfrmOutStateInvalid",
     {"node_xfrm_out_state_invalid_packets_total", kCounter, "State is invalid, perhaps expired"}},
    {"XfrmAcquireError",
     {"node_xfrm_acquire_error_packets_total", kCounter,
      "State hasn’t been fully acquired before use"}},
};
constexpr size_t kNumCounters = sizeof(kCounters) / sizeof(kCounters[0]);

class XfrmSource : public Source {
 public:
  explicit XfrmSource(const common::FsRoot& fs) : path_(fs.Proc("net/xfrm_stat")) {}

  absl::Status Collect(SampleWriter& out) override {
    HM_RETURN_IF_ERROR(common::ReadFileTo(path_, &text_));
    double values[kNumCounters] = {};
    HM_RETURN_IF_ERROR(ParseXfrmStat(text_, path_, [&](absl::string_view name, uint64_t v) {
      for (size_t i = 0; i < kNumCounters; ++i) {
        if (kCounters[i].key == name) values[i] = static_cast<double>(v);
      }
    }));
    for (size_t i = 0; i < kNumCounters; ++i) out.Add(kCounters[i].desc, {}, values[i]);
    return absl::OkStatus();
  }

 private:
  std::string path_;
  std::string text_;
};

}  // namespace

absl::StatusOr<SourcePtr> MakeXfrmSource(const SourceContext& ctx) {
  return std::make_unique<XfrmSource>(*ctx.fs);
}

}  // namespace hostmon::agent
