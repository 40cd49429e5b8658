// SPDX-License-Identifier: Apache-2.0
//
// libFuzzer target for the agent's config file (agent/agent_config.h): loading as start-up does
// (LoadAgentConfigFile), then the cross-field checks (ValidateAgentConfig). A half-written or
// mistyped file must give an error naming the file and field, never a crash or a hang. It links
// the whole agent library, because the file's `sources` and `source_options` are checked against
// every built-in source; that takes several minutes to build with the instrumentation, so this
// target is not in the default set (`scripts/fuzz --all` or `--target fuzz_agent_config`).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

#include "agent/agent_config.h"
#include "tests/fuzz/fuzz_common.h"

namespace {

const std::string& ScratchFile() {
  static const std::string* path = [] {
    const char* dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    return new std::string(std::string(dir) + "/hostmon-fuzz-agent-" + std::to_string(getpid()) +
                           ".yml");
  }();
  return *path;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  hostmon::fuzz::Initialize({{"", {"deploy/config/agent.example.yml"}}});
  std::atexit([] { unlink(ScratchFile().c_str()); });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::ofstream(ScratchFile(), std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  hostmon::agent::AgentConfig config;
  if (hostmon::agent::LoadAgentConfigFile(ScratchFile(), &config).ok()) {
    (void)hostmon::agent::ValidateAgentConfig(config);
  }
  return 0;
}
