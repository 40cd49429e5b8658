// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/ipmi/ipmi_source.h"

#include <algorithm>
#include <deque>
#include <memory>
#include <string>
#include <system_error>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "agent/sources/common/member_collisions.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "common/thread_name.h"

namespace hostmon::agent {
namespace {

using ipmi::IpmiReader;
using ipmi::IpmiTarget;
using ipmi::ReaderSpec;
using ipmi::SensorReading;

// ipmi_exporter's collector.go.
constexpr MetricDesc kUp{"ipmi_up", kGauge,
                         "'1' if a scrape of the IPMI device was successful, '0' otherwise."};
constexpr MetricDesc kDuration{"ipmi_scrape_duration_seconds", kGauge,
                               "Returns how long the scrape took to complete in seconds."};

constexpr char kDefaultCacheDir[] = "/var/lib/hostmon/sdr-cache";
constexpr char kDefaultTargetTimeout[] = "10s";
// The slow tier's own options (agent/slow_tier.h), declared here for the IPMI defaults: a round
// every 30s, and a whole-round backstop above the per-BMC deadline.
constexpr char kDefaultInterval[] = "30s";
constexpr char kDefaultTierTimeout[] = "25s";
constexpr char kDefaultParallelism[] = "4";
// Past the IPMI session timeout, the library needs a moment to give up and return its own,
// clearer error ("connection timeout"); only after that does the source stop waiting.
constexpr absl::Duration kGrace = absl::Milliseconds(300);

// One BMC: its reader and the result of its last read. Shared between the collecting thread and
// a worker, so a worker still inside the library can outlive the wait (and the source).
struct Job {
  // Set at construction, then read-only.
  std::string name;  // target name; "" for the local BMC
  bool local = false;
  bool local_required = false;  // local=true: a missing BMC is an error
  ipmi::Collectors collectors;
  std::vector<int64_t> exclude_ids;
  absl::Duration timeout;
  std::vector<std::pair<std::string, std::string>> label_storage;  // target, then its labels
  std::vector<LabelRef> labels;
  std::unique_ptr<IpmiReader> reader;  // used only by the worker running the job

  // Guarded by the pool's mutex.
  bool queued = false;
  bool running = false;
  bool done = false;
  bool stuck_logged = false;
  // Written by the worker before `done`; read by the collecting thread after it.
  absl::Status sensor_status;
  std::vector<SensorReading> readings;
  ipmi::BmcCommands commands;
  absl::Duration took;
};

struct Pool {
  absl::Mutex mu;
  std::deque<std::shared_ptr<Job>> queue ABSL_GUARDED_BY(mu);
  bool shutdown ABSL_GUARDED_BY(mu) = false;
  int workers ABSL_GUARDED_BY(mu) = 0;  // threads
  int busy ABSL_GUARDED_BY(mu) = 0;     // threads inside a read

  static bool HasWork(Pool* p) ABSL_NO_THREAD_SAFETY_ANALYSIS {  // called with mu held
    return p->shutdown || !p->queue.empty();
  }

  static void Work(std::shared_ptr<Pool> pool) {
    common::SetThreadName("hm-ipmi");
    absl::MutexLock lock(&pool->mu);
    while (true) {
      pool->mu.Await(absl::Condition(&HasWork, pool.get()));
      if (pool->shutdown) {
        --pool->workers;
        return;
      }
      std::shared_ptr<Job> job = std::move(pool->queue.front());
      pool->queue.pop_front();
      job->queued = false;
      job->running = true;
      ++pool->busy;
      pool->mu.Unlock();
      Run(*job);
      pool->mu.Lock();
      --pool->busy;
      job->running = false;
      job->done = true;
    }
  }

  static void Run(Job& job) {
    const absl::Time start = absl::Now();
    job.sensor_status = absl::OkStatus();
    job.readings.clear();
    if (job.collectors.sensors) job.sensor_status = job.reader->ReadSensors(&job.readings);
    if (job.collectors.AnyCommand()) {
      // A BMC that did not answer the sensor read will not answer the commands either; skipping
      // them keeps a dead BMC from holding its worker for two session timeouts.
      if (job.collectors.sensors &&
          (absl::IsUnavailable(job.sensor_status) || absl::IsNotFound(job.sensor_status))) {
        job.commands = ipmi::BmcCommands();
        job.commands.chassis_status = job.commands.sel_status = job.commands.dcmi_status =
            job.commands.bmc_status = job.sensor_status;
      } else {
        job.reader->ReadCommands(job.collectors, &job.commands);
      }
    }
    job.took = absl::Now() - start;
  }
};

class IpmiSource : public Source {
 public:
  IpmiSource(std::vector<std::shared_ptr<Job>> jobs, int parallelism,
             std::unique_ptr<std::vector<IpmiTarget>> targets)
      : jobs_(std::move(jobs)),
        parallelism_(parallelism),
        targets_(std::move(targets)),
        pool_(std::make_shared<Pool>()) {}

  ~IpmiSource() override {
    // Idle workers exit now; a busy one when its read returns (it shares the pool and its job).
    absl::MutexLock lock(&pool_->mu);
    pool_->shutdown = true;
  }

  absl::Status Collect(SampleWriter& out) override {
    if (jobs_.empty()) {
      return absl::NotFoundError("no BMC: the local BMC is switched off and no targets are set");
    }
    const absl::Time start = absl::Now();
    absl::Duration longest;
    round_.clear();
    {
      absl::MutexLock lock(&pool_->mu);
      for (const std::shared_ptr<Job>& job : jobs_) {
        if (job->queued || job->running) continue;  // still in flight from an earlier round
        job->done = false;
        job->queued = true;
        pool_->queue.push_back(job);
        round_.push_back(job.get());
        longest = std::max(longest, job->timeout);
      }
      // Free threads for this round's reads, at most `parallelism`. Threads still inside a late
      // read (at most one per BMC) do not count: such a read ends at its session timeout, and
      // healthy BMCs must not wait for it.
      const int wanted = std::min<int>(parallelism_, static_cast<int>(pool_->queue.size()));
      while (pool_->workers - pool_->busy < wanted && StartWorker()) {
      }
      pool_->mu.AwaitWithDeadline(absl::Condition(this, &IpmiSource::RoundDone),
                                  start + longest + kGrace);
      // Jobs that never left the queue waited behind busy workers: withdrawn, retried next round.
      for (Job* job : round_) {
        if (!job->queued) continue;
        job->queued = false;
        pool_->queue.erase(std::find_if(pool_->queue.begin(), pool_->queue.end(),
                                        [job](const auto& q) { return q.get() == job; }));
      }
    }
    return Emit(out);
  }

 private:
  static const absl::Status& FirstCommandStatus(const Job& job) {
    if (job.collectors.chassis) return job.commands.chassis_status;
    if (job.collectors.sel) return job.commands.sel_status;
    if (job.collectors.dcmi) return job.commands.dcmi_status;
    return job.commands.bmc_status;
  }

  bool RoundDone() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(pool_->mu) {
    for (const Job* job : round_) {
      if (!job->done) return false;
    }
    return true;
  }

  bool StartWorker() ABSL_EXCLUSIVE_LOCKS_REQUIRED(pool_->mu) {
    // std::thread reports failure by exception; confined here. Without a new worker the queued
    // reads wait for the existing ones or miss their deadline.
    try {
      std::thread(&Pool::Work, pool_).detach();
      ++pool_->workers;
      return true;
    } catch (const std::system_error& e) {
      common::log::Warn("ipmi: cannot start a worker thread", common::log::Kv("err", e.what()));
      return false;
    }
  }

  void Up(SampleWriter& out, const Job& job, absl::string_view collector, bool up) {
    labels_.clear();
    labels_.push_back({"collector", collector});
    labels_.insert(labels_.end(), job.labels.begin(), job.labels.end());
    out.Add(kUp, labels_, up ? 1 : 0);
  }

  absl::Status Emit(SampleWriter& out) {
    std::vector<std::string> failures;
    std::vector<std::string> collisions;
    int not_found = 0;
    absl::Status first_not_found;
    absl::MutexLock lock(&pool_->mu);
    for (const std::shared_ptr<Job>& shared : jobs_) {
      Job& job = *shared;
      const std::string who = job.local ? "local BMC" : absl::StrCat("target ", job.name);
      const bool this_round = std::find(round_.begin(), round_.end(), &job) != round_.end();
      if (!job.done || !this_round) {
        std::string why;
        if (job.running && !this_round) {
          why = "the previous read has not returned yet; not read again until it does";
        } else if (job.running) {
          why = absl::StrCat("no answer within the deadline (", absl::FormatDuration(job.timeout),
                             "); not read again until the pending read returns");
        } else {
          why = "not started before the deadline: all workers busy with slow BMCs";
        }
        if (job.running && !job.stuck_logged) {
          job.stuck_logged = true;
          common::log::Warn(
              "ipmi: BMC read exceeded its deadline",
              absl::StrCat(common::log::Kv("bmc", who),
                           common::log::Kv("timeout", absl::FormatDuration(job.timeout))));
        }
        if (job.collectors.sensors) Up(out, job, "ipmi", false);
        if (job.collectors.chassis) Up(out, job, "chassis", false);
        if (job.collectors.sel) Up(out, job, "sel", false);
        if (job.collectors.dcmi) Up(out, job, "dcmi", false);
        if (job.collectors.bmc) Up(out, job, "bmc", false);
        failures.push_back(absl::StrCat(who, ": ", why));
        continue;
      }
      job.stuck_logged = false;
      const absl::Status& first =
          job.collectors.sensors ? job.sensor_status : FirstCommandStatus(job);
      if (job.local && absl::IsNotFound(first) && !job.local_required) {
        // No BMC on this host is not a failure of the source when targets remain.
        ++not_found;
        if (first_not_found.ok()) first_not_found = first;
        continue;
      }
      // A failure shared by every collector (no session, no answer) is reported once.
      absl::Status reported;
      auto fail = [&](const absl::Status& s) {
        if (s.ok() || s == reported) return;
        reported = s;
        failures.push_back(absl::StrCat(who, ": ", s.message()));
      };
      if (job.collectors.sensors) {
        if (job.sensor_status.ok()) {
          const ipmi::SensorWriteStats stats =
              ipmi::WriteSensorMetrics(job.readings, job.labels, job.exclude_ids, out);
          for (const std::string& c : stats.collisions) {
            collisions.push_back(absl::StrCat(who, ": ", c));
          }
        }
        fail(job.sensor_status);
        Up(out, job, "ipmi", job.sensor_status.ok());
      }
      const ipmi::BmcCommands& c = job.commands;
      if (job.collectors.chassis) {
        if (c.chassis_status.ok()) ipmi::WriteChassisMetrics(c.chassis, job.labels, out);
        fail(c.chassis_status);
        Up(out, job, "chassis", c.chassis_status.ok());
      }
      if (job.collectors.sel) {
        if (c.sel_status.ok()) ipmi::WriteSelMetrics(c.sel, job.labels, out);
        fail(c.sel_status);
        Up(out, job, "sel", c.sel_status.ok());
      }
      if (job.collectors.dcmi) {
        if (c.dcmi_status.ok()) ipmi::WriteDcmiMetrics(c.dcmi, job.labels, out);
        fail(c.dcmi_status);
        Up(out, job, "dcmi", c.dcmi_status.ok());
      }
      if (job.collectors.bmc) {
        if (c.bmc_status.ok()) ipmi::WriteBmcMetrics(c.bmc, job.labels, out);
        fail(c.bmc_status);
        Up(out, job, "bmc", c.bmc_status.ok());
      }
      out.Add(kDuration, job.labels, absl::ToDoubleSeconds(job.took));
    }
    collisions_.Record(collisions);
    // No BMC at all: the source exports nothing, not even its counter.
    if (not_found == static_cast<int>(jobs_.size())) return first_not_found;
    collisions_.Write(out);
    if (failures.empty()) return absl::OkStatus();
    return absl::UnavailableError(absl::StrJoin(failures, "; "));
  }

  const std::vector<std::shared_ptr<Job>> jobs_;
  const int parallelism_;
  // The loaded targets. Readers copy theirs, so a worker still reading when the source goes away
  // (it keeps its job, hence its reader) touches nothing of the source's.
  const std::unique_ptr<std::vector<IpmiTarget>> targets_;
  const std::shared_ptr<Pool> pool_;
  std::vector<Job*> round_;  // jobs started in the current round
  std::vector<LabelRef> labels_;
  MemberCollisions collisions_{"ipmi"};
};

}  // namespace

const std::vector<SourceOption>& IpmiOptions() {
  static const auto* options = new std::vector<SourceOption>{
      {"config", "",
       "YAML file listing BMCs read over LAN 2.0 (name, host, port, username, password_file, "
       "...); see README"},
      {"local", "auto",
       "Read the local BMC in-band: auto (when /dev/ipmi0 exists), true (missing BMC is an "
       "error), false"},
      {"local-collectors", "ipmi,chassis",
       "What to read from the local BMC: comma-separated ipmi, chassis, sel, dcmi, bmc"},
      {"driver", "auto", "In-band driver: auto (kernel device /dev/ipmi0), openipmi, kcs, ssif"},
      {"device", "", "In-band device path (default: /dev/ipmi0, /dev/ipmi/0, /dev/ipmidev/0)"},
      {"sdr-cache-dir", kDefaultCacheDir,
       "Directory for the per-BMC SDR caches (created 0700 when missing)"},
      {"target-timeout", kDefaultTargetTimeout,
       "Deadline of one BMC read (the IPMI session timeout); targets may set their own"},
      {"interval", kDefaultInterval, "How often the BMCs are read (slow tier)"},
      {"timeout", kDefaultTierTimeout,
       "Slow-tier deadline of a whole round; must exceed every BMC's deadline"},
      {"parallelism", kDefaultParallelism, "BMCs read at the same time, at most"},
  };
  return *options;
}

absl::StatusOr<SourcePtr> MakeIpmiSourceWithReaders(const SourceContext& ctx,
                                                    ipmi::IpmiReaderFactory readers) {
  HM_ASSIGN_OR_RETURN(absl::Duration timeout,
                      ctx.Duration("target-timeout", ipmi::kMinTargetTimeout));
  HM_ASSIGN_OR_RETURN(int parallelism, ctx.Int("parallelism", 1, 256));
  const std::string local = ctx.Option("local");
  if (local != "auto" && local != "true" && local != "false") {
    return ctx.OptionError("local", absl::StrCat("want auto, true or false, got \"", local, "\""));
  }
  const std::string driver = ctx.Option("driver");
  if (driver != "auto" && driver != "openipmi" && driver != "kcs" && driver != "ssif") {
    return ctx.OptionError("driver",
                           absl::StrCat("want auto, openipmi, kcs or ssif, got \"", driver, "\""));
  }
  ipmi::Collectors local_collectors;
  if (absl::Status s = ipmi::ParseCollectors(ctx.List("local-collectors"), &local_collectors);
      !s.ok()) {
    return ctx.OptionError("local-collectors", s.message());
  }
  const std::string cache_dir = ctx.Option("sdr-cache-dir");
  if (cache_dir.empty()) return ctx.OptionError("sdr-cache-dir", "must not be empty");

  auto targets = std::make_unique<std::vector<IpmiTarget>>();
  const std::string config = ctx.Option("config");
  if (!config.empty()) {
    absl::StatusOr<std::vector<IpmiTarget>> loaded = ipmi::LoadIpmiTargets(config, timeout);
    if (!loaded.ok()) return ctx.OptionError("config", loaded.status().message());
    *targets = *std::move(loaded);
  }

  // A round ends at the longest BMC deadline plus grace: a FreeIPMI read returns only at its
  // session timeout, so that must end before the collection's deadline (agent/source.h), or the
  // tier would drop the healthy BMCs' values too.
  absl::Duration longest = local != "false" ? timeout : absl::ZeroDuration();
  std::string longest_name = "option \"target-timeout\"";
  for (const IpmiTarget& t : *targets) {
    if (t.timeout > longest) {
      longest = t.timeout;
      longest_name = absl::StrCat("the timeout of target ", t.name);
    }
  }
  if (longest + kGrace >= ctx.deadline) {
    return ctx.OptionError(
        "timeout", absl::StrCat("the collection deadline (", absl::FormatDuration(ctx.deadline),
                                ") must exceed ", longest_name, " (", absl::FormatDuration(longest),
                                ") by more than ", absl::FormatDuration(kGrace)));
  }

  std::vector<std::shared_ptr<Job>> jobs;
  if (local != "false") {
    auto job = std::make_shared<Job>();
    job->local = true;
    job->local_required = local == "true";
    job->collectors = local_collectors;
    job->timeout = timeout;
    ReaderSpec spec;
    spec.driver = driver;
    spec.device = ctx.Option("device");
    spec.sdr_cache_dir = cache_dir;
    job->reader = readers(spec);
    jobs.push_back(std::move(job));
  }
  for (const IpmiTarget& t : *targets) {
    auto job = std::make_shared<Job>();
    job->name = t.name;
    job->collectors = t.collectors;
    job->exclude_ids = t.exclude_sensor_ids;
    job->timeout = t.timeout;
    job->label_storage.emplace_back("target", t.name);
    for (const auto& kv : t.labels) job->label_storage.push_back(kv);
    for (const auto& [k, v] : job->label_storage) job->labels.push_back({k, v});
    ReaderSpec spec;
    spec.target = &t;
    spec.sdr_cache_dir = cache_dir;
    job->reader = readers(spec);
    jobs.push_back(std::move(job));
  }
  return SourcePtr(new IpmiSource(std::move(jobs), parallelism, std::move(targets)));
}

absl::StatusOr<SourcePtr> MakeIpmiSource(const SourceContext& ctx) {
  // The readers load FreeIPMI (dlopen) here, only in agents that switch the source on. A missing
  // library does not fail the factory, which would stop the whole agent: every read reports it
  // (naming the library and the package to install) and the other sources keep working.
  return MakeIpmiSourceWithReaders(ctx, ipmi::MakeLibIpmiReader);
}

}  // namespace hostmon::agent
