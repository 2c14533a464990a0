#!/usr/bin/env bash
# Runs fuzz targets for a bounded time each: fuzz/run.sh BUILD SECONDS TARGET...
# Each target works on a copy of fuzz/corpus/<target>/ in BUILD/fuzz-runs/<target>/ (the repo
# is never written); a crash, leak, timeout or sanitizer report is saved there as artifacts/crash-*
# and makes the script fail once every target has run.
set -uo pipefail
cd "$(dirname "$0")/.."
build=$1 seconds=$2
shift 2
failed=()
for target in "$@"; do
  work="$build/fuzz-runs/$target"
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts"
  cp fuzz/corpus/"$target"/* "$work/corpus/"
  echo "fuzz: $target for ${seconds}s"
  # print_stacktrace: UB reports show where; the libFuzzer defaults detect leaks after each input.
  if UBSAN_OPTIONS=print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
      "$build/bin/fuzz_$target" "$work/corpus" -dict="fuzz/$target.dict" -max_total_time="$seconds" \
      -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
      >"$work/log" 2>&1; then
    grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|Done [0-9]+ runs)" "$work/log" | sed 's/^/  /'
  else
    failed+=("$target")
    echo "fuzz: $target FOUND A PROBLEM (log: $work/log, input: $(ls "$work"/artifacts/* 2>/dev/null | head -1))"
    grep -E -A25 "^==[0-9]+==ERROR|runtime error|fuzz finding|terminate called|deadly signal" "$work/log" \
      | cut -c1-300 | head -40
  fi
done
if ((${#failed[@]})); then
  echo "fuzz: ${#failed[@]} of $# targets found problems: ${failed[*]}"
  exit 1
fi
echo "fuzz: all $# targets ran ${seconds}s each without a finding"
