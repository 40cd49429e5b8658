// SPDX-License-Identifier: Apache-2.0
//
// A SourceContext as the agent builds it for a source's factory: the source's name, every option
// the source declares (EffectiveOptions) at its default unless the test sets it, and for a slow
// source the deadline from its `timeout` option. It owns what the context points to, so it must
// outlive the source built from it (a source may keep its context's pointers).
#pragma once

#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "agent/slow_tier.h"
#include "agent/source.h"
#include "agent/source_registry.h"
#include "common/fs_root.h"

namespace hostmon::testing {

class TestContext {
 public:
  explicit TestContext(const std::string& source, common::FsRoot fs = common::FsRoot(),
                       std::map<std::string, std::string> options = {})
      : fs_(std::move(fs)), options_(std::move(options)) {
    INFO("source " << source);
    const agent::SourceInfo* info = nullptr;
    for (const agent::SourceInfo& s : agent::BuiltinSources()) {
      if (s.name == source) info = &s;
    }
    REQUIRE(info != nullptr);
    const std::vector<agent::SourceOption> declared = agent::EffectiveOptions(*info);
    for (const auto& [name, value] : options_) {
      INFO("option " << name);
      bool known = false;
      for (const agent::SourceOption& o : declared) known = known || o.name == name;
      REQUIRE(known);
    }
    for (const agent::SourceOption& o : declared) options_.emplace(o.name, o.default_value);
    ctx_.fs = &fs_;
    ctx_.options = &options_;
    ctx_.source = source;
    if (info->slow) {
      absl::StatusOr<absl::Duration> deadline = agent::SlowSourceTimeout(source, options_);
      REQUIRE(deadline.ok());
      ctx_.deadline = *deadline;
    }
  }
  TestContext(const TestContext&) = delete;
  TestContext& operator=(const TestContext&) = delete;

  // Shares the files of `files` with the other sources built with it, as the agent does for its
  // fast sources (SourceContext::cycle_files). Not owned.
  void ShareFiles(agent::CycleFiles* files) { ctx_.cycle_files = files; }

  operator const agent::SourceContext&() const { return ctx_; }  // NOLINT: used as one
  const agent::SourceContext& get() const { return ctx_; }
  const common::FsRoot& fs() const { return fs_; }

 private:
  common::FsRoot fs_;
  std::map<std::string, std::string> options_;
  agent::SourceContext ctx_;
};

}  // namespace hostmon::testing
