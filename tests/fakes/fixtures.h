// SPDX-License-Identifier: Apache-2.0
//
// The fixture tree (tests/fixtures/, README there): captured /proc, /sys and root file system
// files of real machines that the parsers and sources are tested on.
#pragma once

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>

#include "common/fs_root.h"

namespace hostmon::testing {

// tests/fixtures/<relative>.
inline std::string FixturePath(const std::string& relative) {
  return std::string(HOSTMON_FIXTURE_DIR) + "/" + relative;
}

// Contents of tests/fixtures/<relative>; fails the test if the file cannot be read.
inline std::string ReadFixture(const std::string& relative) {
  const std::string path = FixturePath(relative);
  INFO("fixture " << path);
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

// The fixture machine: tests/fixtures/{proc,sys,rootfs} as --path.procfs, .sysfs and .rootfs.
inline common::FsRoot FixtureRoot() {
  return common::FsRoot(FixturePath("proc"), FixturePath("sys"), FixturePath("rootfs"));
}

// A machine where nothing exists.
inline common::FsRoot EmptyRoot() {
  return common::FsRoot(FixturePath("does-not-exist/proc"), FixturePath("does-not-exist/sys"),
                        FixturePath("does-not-exist/rootfs"));
}

}  // namespace hostmon::testing
