#!/usr/bin/env bash
# Lints Prometheus text exposition (file argument or stdin) with `promtool check metrics`.
# The one finding tolerated: promtool's camelCase lint on node_* names that node_exporter itself
# exposes that way (node_memory_MemTotal_bytes, node_netstat_Tcp_*, ...). Those names are the
# compatibility contract with existing dashboards and alert rules; node_exporter's own output
# draws the same lint. The same holds for node_exporter's entropy gauges, which count bits
# (node_entropy_available_bits, node_entropy_pool_size_bits) and draw promtool's "bytes" lint.
# Anything else fails.
set -euo pipefail
input=${1:--}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
if [[ $input == - ]]; then cat >"$tmp"; else cp "$input" "$tmp"; fi
if [[ ! -s $tmp ]]; then
  echo "check_exposition: empty input" >&2
  exit 1
fi
set +e
out=$(promtool check metrics <"$tmp" 2>&1)
rc=$?
set -e
remaining=$(printf '%s\n' "$out" |
  grep -Ev "^node_[A-Za-z0-9_]+ metric names should be written in 'snake_case' not 'camelCase'$" |
  grep -Ev '^node_entropy_(available|pool_size)_bits use base unit "bytes" instead of "bits"$' |
  grep -Ev "^node_power_supply_charge_counter metric name should not include type 'counter'$" |
  grep -v '^$' || true)
if [[ $rc -eq 1 || -n $remaining ]]; then
  echo "check_exposition: promtool check metrics found problems (rc=$rc):" >&2
  printf '%s\n' "$remaining" >&2
  exit 1
fi
echo "check_exposition: OK ($(grep -vc '^#' "$tmp") samples)"
