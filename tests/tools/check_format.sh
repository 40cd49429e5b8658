#!/usr/bin/env bash
# Fails when a tracked C++ file differs from what clang-format (repo .clang-format) would write.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v clang-format >/dev/null; then
  echo "check_format: clang-format not installed (scripts/setup --tests installs it)" >&2
  exit 1
fi
bad=0
while IFS= read -r f; do
  if ! clang-format -style=file --dry-run -Werror "$f" >/dev/null 2>&1; then
    echo "needs clang-format: $f" >&2
    bad=1
  fi
done < <(git ls-files '*.cc' '*.h' 2>/dev/null || find agent collector common tests -name '*.cc' -o -name '*.h')
[[ $bad -eq 0 ]] && echo "check_format: OK"
exit $bad
