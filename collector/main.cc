// SPDX-License-Identifier: Apache-2.0
#include <exception>

#include "collector/collector_app.h"
#include "common/log.h"

int main(int argc, char** argv) {
  try {
    return hostmon::collector::CollectorMain(argc, argv);
  } catch (const std::exception& e) {  // last resort: our code does not throw, libraries might
    hostmon::common::log::Error("fatal", hostmon::common::log::Kv("err", e.what()));
    return 1;
  }
}
