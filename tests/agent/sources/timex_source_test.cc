// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/timex/timex_source.h"

#include <sys/timex.h>

#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "fakes/sample_recorder.h"

namespace hostmon::agent {
namespace {

using testing::CollectOk;
using testing::SampleRecorder;
using Samples = std::map<std::string, double>;

TEST_CASE("timex source converts adjtimex(2) units", "[agent][sources][timex]") {
  auto fake = [](struct timex* tx) -> absl::StatusOr<int> {
    tx->offset = -1500;     // us (no STA_NANO)
    tx->freq = 65536 * 12;  // 12 ppm
    tx->maxerror = 16000;   // us
    tx->esterror = 250;     // us
    tx->status = 0x0001;    // STA_PLL
    tx->constant = 7;
    tx->tick = 10000;         // us
    tx->ppsfreq = 65536 * 2;  // 2 ppm
    tx->jitter = 40;
    tx->shift = 4;
    tx->stabil = 65536;
    tx->jitcnt = 1;
    tx->calcnt = 2;
    tx->errcnt = 3;
    tx->stbcnt = 4;
    tx->tai = 37;
    return TIME_OK;
  };
  const SampleRecorder rec = CollectOk(*MakeTimexSourceWith(fake).value());
  CHECK(rec.samples == Samples{
                           {"node_timex_estimated_error_seconds", 0.00025},
                           {"node_timex_frequency_adjustment_ratio", 1.000012},
                           {"node_timex_loop_time_constant", 7},
                           {"node_timex_maxerror_seconds", 0.016},
                           {"node_timex_offset_seconds", -0.0015},
                           {"node_timex_pps_calibration_total", 2},
                           {"node_timex_pps_error_total", 3},
                           {"node_timex_pps_frequency_hertz", 0.000002},
                           {"node_timex_pps_jitter_seconds", 0.00004},
                           {"node_timex_pps_jitter_total", 1},
                           {"node_timex_pps_shift_seconds", 4},
                           {"node_timex_pps_stability_exceeded_total", 4},
                           {"node_timex_pps_stability_hertz", 0.000001},
                           {"node_timex_status", 1},
                           {"node_timex_sync_status", 1},
                           {"node_timex_tai_offset_seconds", 37},
                           {"node_timex_tick_seconds", 0.01},
                       });
  CHECK(rec.types.at("node_timex_pps_error_total") == kCounter);

  auto nano_unsynced = [](struct timex* tx) -> absl::StatusOr<int> {
    tx->status = STA_NANO | STA_UNSYNC;
    tx->offset = 2500000;  // ns
    return TIME_ERROR;
  };
  const SampleRecorder nano = CollectOk(*MakeTimexSourceWith(nano_unsynced).value());
  CHECK(nano.samples.at("node_timex_offset_seconds") == 0.0025);
  CHECK(nano.samples.at("node_timex_sync_status") == 0);

  auto denied = [](struct timex*) -> absl::StatusOr<int> {
    return absl::NotFoundError("adjtimex(2): not permitted");
  };
  SampleRecorder none;
  CHECK(absl::IsNotFound(MakeTimexSourceWith(denied).value()->Collect(none)));
  CHECK(none.adds == 0);
}

}  // namespace
}  // namespace hostmon::agent
