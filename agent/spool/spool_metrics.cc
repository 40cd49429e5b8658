// SPDX-License-Identifier: Apache-2.0
#include "agent/spool/spool_metrics.h"

namespace hostmon::agent {
namespace {

constexpr MetricDesc kSpoolBytes{"hostmon_agent_spool_bytes", kGauge,
                                 "Bytes of the on-disk spool's segment files."};
constexpr MetricDesc kSpoolSegments{"hostmon_agent_spool_segments", kGauge,
                                    "Segment files in the spool."};
constexpr MetricDesc kSpoolPending{
    "hostmon_agent_spool_pending_batches", kGauge,
    "Spooled batches not yet acknowledged by a collector (live in flight and backlog)."};
constexpr MetricDesc kSpoolPendingSamples{"hostmon_agent_spool_pending_samples", kGauge,
                                          "Samples in spooled, unacknowledged batches."};
constexpr MetricDesc kSpoolOldest{
    "hostmon_agent_spool_oldest_pending_timestamp_seconds", kGauge,
    "Collection time of the oldest unacknowledged spooled batch (0 when none)."};
constexpr MetricDesc kSpoolDroppedBatches{
    "hostmon_agent_spool_dropped_batches_total", kCounter,
    "Unacknowledged batches dropped from the spool by its size or age cap (oldest first)."};
constexpr MetricDesc kSpoolDroppedSamples{
    "hostmon_agent_spool_dropped_samples_total", kCounter,
    "Samples in batches dropped from the spool by its size or age cap."};
constexpr MetricDesc kSpoolCorrupt{
    "hostmon_agent_spool_corrupt_records_total", kCounter,
    "Damaged spool records (torn tail, flipped bytes) skipped; a damaged region counts once."};
constexpr MetricDesc kSpoolWriteErrors{
    "hostmon_agent_spool_write_errors_total", kCounter,
    "Batches that could not be spooled (e.g. disk full); they were sent from memory only."};
constexpr MetricDesc kSpoolStateWriteErrors{
    "hostmon_agent_spool_state_write_errors_total", kCounter,
    "Failed rewrites of the spool's state file (ack watermark); no batch is lost by them."};
constexpr MetricDesc kSpoolWriteSeconds{"hostmon_agent_spool_write_seconds_total", kCounter,
                                        "Time spent writing spool records, including fsync."};
constexpr MetricDesc kSpoolFsyncSeconds{"hostmon_agent_spool_fsync_seconds_total", kCounter,
                                        "Time spent in fdatasync of the spool."};
constexpr MetricDesc kSpoolFsyncs{"hostmon_agent_spool_fsyncs_total", kCounter,
                                  "fdatasync calls on spool segments."};

}  // namespace

void SpoolMetrics::WriteTo(SampleWriter& w) {
  Spool::Stats sp = spool_->stats();
  w.Add(kSpoolBytes, {}, static_cast<double>(sp.bytes));
  w.Add(kSpoolSegments, {}, static_cast<double>(sp.segments));
  w.Add(kSpoolPending, {}, static_cast<double>(sp.pending_batches));
  w.Add(kSpoolPendingSamples, {}, static_cast<double>(sp.pending_samples));
  w.Add(kSpoolOldest, {}, static_cast<double>(sp.oldest_pending_timestamp_ms) / 1000.0);
  w.Add(kSpoolDroppedBatches, {}, static_cast<double>(sp.dropped_batches));
  w.Add(kSpoolDroppedSamples, {}, static_cast<double>(sp.dropped_samples));
  w.Add(kSpoolCorrupt, {}, static_cast<double>(sp.corrupt_records));
  w.Add(kSpoolWriteErrors, {}, static_cast<double>(sp.write_errors));
  w.Add(kSpoolStateWriteErrors, {}, static_cast<double>(sp.state_write_errors));
  w.Add(kSpoolWriteSeconds, {}, sp.write_seconds);
  w.Add(kSpoolFsyncSeconds, {}, sp.fsync_seconds);
  w.Add(kSpoolFsyncs, {}, static_cast<double>(sp.fsyncs));
}

}  // namespace hostmon::agent
