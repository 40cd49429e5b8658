#!/usr/bin/env bash
# Golden test: `hostmon-agent --once` over the fixture tree (tests/fixtures) must print exactly
# tests/golden/agent_once.prom (minus the volatile per-source durations, and the samples of the
# sources that read syscalls rather than files and so describe the build machine, not the
# fixtures: time, timex, uname; their HELP/TYPE lines stay; statvfs results of the filesystem
# source are masked to "<statvfs>" because they measure the disk holding the checkout; label values
# that contain the fixture directory, such as rapl's sysfs path, show it as "<fixtures>"; the label
# values of hostmon_agent_build_info (version, git revision, branch, compiler) show as "<build>"),
# and the output must pass
# `promtool check metrics`. Run with -u as the last argument to regenerate the golden file.
set -euo pipefail
agent=${1:?usage: agent_once_test.sh PATH/TO/hostmon-agent [-u]}
here=$(cd "$(dirname "$0")" && pwd)
fixtures=$here/../fixtures
golden=$here/agent_once.prom
actual=$(mktemp)
trap 'rm -f "$actual"' EXIT

"$agent" --once --hostname=fixture-host \
  --path.procfs="$fixtures/proc" --path.sysfs="$fixtures/sys" --path.rootfs="$fixtures/rootfs" \
  | grep -Ev '^(hostmon_agent_source_duration_seconds\{|node_scrape_collector_duration_seconds\{|node_time_seconds |node_time_zone_offset_seconds\{|node_timex_[a-z_]+ |node_uname_info\{)' \
  | sed -E 's/^(node_filesystem_(size_bytes|free_bytes|avail_bytes|files|files_free)\{[^}]*\}) .*/\1 <statvfs>/' \
  | sed "s|$fixtures|<fixtures>|g" \
  | sed -E '/^hostmon_agent_build_info\{/ s/="[^"]*"/="<build>"/g' \
    >"$actual"

if [[ ${2:-} == -u ]]; then
  cp "$actual" "$golden"
  echo "updated $golden"
fi
# promtool sees the unmasked values' shape: lint a copy with the mask replaced by a number.
sed 's/ <statvfs>$/ 0/' "$actual" | "$here/../tools/check_exposition.sh" -
if ! diff -u "$golden" "$actual"; then
  echo "FAIL: --once output differs from $golden (run with -u to accept)" >&2
  exit 1
fi
echo "PASS: --once output matches $golden ($(grep -vc '^#' "$golden") samples)"
