#!/usr/bin/env bash
# make bench: every micro benchmark, then the end-to-end table (build/bench.json).
set -euo pipefail
build=${1:-build}
for b in "$build"/bin/*_bench; do
  echo "== $(basename "$b")"
  "$b" --benchmark_min_time=0.2
done
echo "== end to end"
"$build"/bin/end_to_end --minidl "$build"/bin/minidl --json "$build"/bench.json
