#!/usr/bin/env bash
# Runs mi's libFuzzer targets for as long as asked, one after the other.
# Usage: tests/fuzz/run.sh [SECONDS] [target...]     (default: 60 s each, every target)
#   targets: dispatcher framing xmlrpc http
# Builds them in build/fuzz (Clang, -DMI_SANITIZE=address,undefined, Debug with -O1: asserts stay on), then for
# each target fuzzes from its work corpus (build/fuzz/fuzz_corpus/<target>, the directory ctest's fuzz.<target>
# uses too) and its seeds (tests/fuzz/corpus/<target>, only read), and merges what the run found into the work
# corpus. Findings go to build/fuzz/findings/<target>/, logs to build/fuzz/logs/<target>.log.
# Environment: MI_FUZZ_BUILD (build directory), MI_FUZZ_FLAGS (more libFuzzer flags, e.g. "-max_len=8192"). Exits 1 if any target found something.
set -euo pipefail

cd "$(dirname "$0")/../.."
root=$(pwd)
all_targets=(dispatcher framing datagram xmlrpc http)

seconds=60
if [ "$#" -gt 0 ] && [[ $1 =~ ^[0-9]+$ ]]; then
    seconds=$1
    shift
fi
if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    targets=("${all_targets[@]}")
fi
for t in "${targets[@]}"; do
    case " ${all_targets[*]} " in
        *" $t "*) ;;
        *) echo "usage: $0 [SECONDS] [${all_targets[*]// /|} ...]" >&2; exit 2 ;;
    esac
done

build=${MI_FUZZ_BUILD:-$root/build/fuzz}
if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$root" -B "$build" -G Ninja \
        -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS=-O1 \
        -DMI_SANITIZE=address,undefined \
        -DMI_BUILD_TESTS=ON -DMI_BUILD_EXAMPLES=OFF -DMI_BUILD_BENCHMARKS=OFF -DMI_INSTALL=OFF
fi
cmake --build "$build" -j2 --target "${targets[@]/#/mi_fuzz_}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

summary=()
found=0
for t in "${targets[@]}"; do
    bin=$build/tests/fuzz/mi_fuzz_$t
    work=$build/fuzz_corpus/$t
    session=$build/fuzz_session/$t
    findings=$build/findings/$t
    log=$build/logs/$t.log
    rm -rf "$session"
    mkdir -p "$work" "$session" "$findings" "$(dirname "$log")"
    before=$(find "$findings" -type f | wc -l)

    echo "=== $t: ${seconds} s (log: $log)"
    # New inputs land in the session directory; the work corpus and the seeds are read.
    # shellcheck disable=SC2086
    "$bin" -max_total_time="$seconds" -print_final_stats=1 -timeout=5 -rss_limit_mb=1024 \
        -artifact_prefix="$findings/" ${MI_FUZZ_FLAGS:-} "$session" "$work" "$root/tests/fuzz/corpus/$t" \
        >"$log" 2>&1 || true
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    last=$(grep -E '^#[0-9]+.*cov: [0-9]+ ft: [0-9]+' "$log" | grep -v 'MERGE' | tail -1 || true)
    cov=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<<"$last")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
    # Keep only what adds coverage to the work corpus.
    "$bin" -merge=1 "$work" "$session" >"$log.merge" 2>&1 || true
    rm -rf "$session"
    corpus=$(find "$work" -type f | wc -l)
    new=$(($(find "$findings" -type f | wc -l) - before))
    if [ "$new" -gt 0 ]; then
        found=1
        grep -E '^(\*\*\* |SUMMARY|==[0-9]+==ERROR)' "$log" | head -5 || true
        ls -t "$findings" | head -n "$new" | sed "s|^|    finding: $findings/|"
    fi
    summary+=("$(printf '%-10s %5s s  %10s execs (%s/s)  cov %-6s ft %-6s  corpus %-5s  new findings %s' \
        "$t" "$seconds" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "$corpus" "$new")")
done

echo
echo "=== summary"
for line in "${summary[@]}"; do
    echo "  $line"
done
if [ "$found" -ne 0 ]; then
    echo "findings in $build/findings/ (reproduce: $build/tests/fuzz/mi_fuzz_<target> <file>)"
    exit 1
fi
