#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
#
# Runs mi's benchmarks and writes benchmarks/RESULTS.md: builds mi_bench_inprocess, mi_bench_statistics, mi_bench_events,
# mi_bench_calls, mi_daemon
# and mi_bench_wire_client (Release, -O2 -DNDEBUG, into build/bench), runs W1..W5 in process (best of 5 x 1e6
# requests), the statistics' and events' costs, then build_cost.sh (W5 build figures), then wire.sh (mi_daemon against Kamailio over HTTP, FIFO and
# datagrams; needs wrk, and Kamailio for the comparison). Takes about ten minutes.
# usage: benchmarks/run.sh     (CXX defaults to g++)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=$root/build/bench
cxx=${CXX:-g++}
cxx_path=$(command -v "$cxx")

# The sources this run measures, noted before building (a dirty include/ is flagged).
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git -C "$root" status --porcelain -- include 2>/dev/null) ]]; then commit="$commit (include/ modified)"; fi
include_digest() { (cd "$root" && find include -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-12); }
digest=$(include_digest)
"$root/.ci/setup" bench >&2
load=$(cut -d' ' -f1-3 /proc/loadavg)
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="$cxx_path" \
      -DMI_BUILD_BENCHMARKS=ON -DMI_BUILD_TESTS=OFF -DMI_BUILD_EXAMPLES=ON -DMI_INSTALL=OFF -DMI_SANITIZE= >&2
cmake --build "$build" -j1 --target mi_bench_inprocess mi_bench_statistics mi_bench_events mi_bench_calls mi_daemon mi_bench_wire_client >&2

echo "run.sh: timing W1..W5 in process" >&2
inprocess=$("$build/benchmarks/mi_bench_inprocess" --markdown)
echo "run.sh: statistics" >&2
statistics=$("$build/benchmarks/mi_bench_statistics")
echo "run.sh: events" >&2
events=$("$build/benchmarks/mi_bench_events")
echo "run.sh: calls (coroutine handlers, the typed client)" >&2
calls=$("$build/benchmarks/mi_bench_calls")
echo "run.sh: measuring W5 build cost" >&2
build_cost=$(CXX=$cxx_path "$here/build_cost.sh" "$build/build_cost")
echo "run.sh: over the wire" >&2
wire=$("$here/wire.sh" "$build")

changed=""
if [[ $(include_digest) != "$digest" ]]; then
    changed=" (WARNING: include/ changed during the run, so the figures may mix two versions of mi; run again)"
    echo "run.sh:$changed" >&2
fi
boost=$(sed -n 's/^#define BOOST_LIB_VERSION "\(.*\)"/\1/p' /usr/include/boost/version.hpp 2>/dev/null || true)

results=$here/RESULTS.md
cat >"$results.tmp" <<MD
# mi benchmark results

Written by \`benchmarks/run.sh\`; the workloads and the method are in
[README.md](README.md). Absolute nanoseconds drift on a shared machine; the ratios to the floor F,
measured in the same run, are the figures to compare.

- date: $(date -u '+%Y-%m-%d %H:%M UTC')
- machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), load average $load at start (shared)
- compiler: $("$cxx_path" --version | head -1), Boost ${boost:-?}
- mi: commit $commit, include/ digest $digest$changed
- command: \`benchmarks/run.sh\`

## In process: W1..W5, ns per request

F = \`boost::json::parse\` of the request + \`boost::json::serialize\` of the expected response;
mi = \`mi::dispatcher::call\` (reused workspace and response string); registry = the hand-written
\`unordered_map<std::string, std::function>\` baseline on the Boost.JSON DOM (\`registry_baseline.hpp\`).

$inprocess

## Statistics: updates and scrapes

An update of an \`mi::counter\` beside a bare relaxed \`std::atomic<std::uint64_t>::fetch_add\`; scraping 10,000
statistics as Prometheus text and as \`get_statistics ["all"]\` beside \`boost::json::serialize\` of an equal object
(\`statistics.cpp\`).

$statistics

## Events: raising

What \`events.raise<"E_PIKE_BLOCKED">(payload)\` costs the raising thread with 0, 1 and 100 subscribers whose sinks
only count (no socket), beside writing the notification alone; then notifications per second reaching one UDP
and one TCP subscriber, beside a bare loop sending the same bytes (\`events.cpp\`).

$events

## Calls: handlers and the typed client

What one asynchronous call costs, request to final answer, through \`dispatcher.async_call\` on one io thread: a
synchronous handler, an \`mi::async_reply\` handler answering from a posted job, a coroutine handler without and
with a deadline; then \`mi::remote\` writing a request and reading its answer (a canned reply, no transport) beside
the same by hand with Boost.JSON (\`calls.cpp\`).

$calls

## Build cost: the W5 translation unit

$build_cost

## Over the wire: mi_daemon and Kamailio

$wire
MD
mv "$results.tmp" "$results"
echo "run.sh: wrote $results" >&2
