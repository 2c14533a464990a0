#!/usr/bin/env bash
# make bench: every micro benchmark, then the end-to-end table (build/bench.json), with PyTorch
# beside minidl when a python3 with torch (Debian's python3-torch) is there.
set -euo pipefail
build=${1:-build}
for b in "$build"/bin/*_bench; do
  echo "== $(basename "$b")"
  "$b" --benchmark_min_time=0.2
done
peers=()
for python in python3 /usr/bin/python3; do
  if command -v "$python" >/dev/null && "$python" -c "import torch" 2>/dev/null; then
    peers=(--python "$(command -v "$python")")
    break
  fi
done
[ ${#peers[@]} -gt 0 ] || echo "peers: no python3 with torch (apt-get install python3-torch); PyTorch columns skipped"
echo "== end to end"
"$build"/bin/end_to_end --minidl "$build"/bin/minidl --json "$build"/bench.json "${peers[@]}"
