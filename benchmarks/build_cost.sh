#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
#
# W5 build figures (workloads.md): compile time at -O2 and stripped binary size of the W5 translation unit,
# 100 commands m0..m99, via mi, via the hand-written registry, and with no framework; plus mi (and the two
# baselines) at 10 and 50 commands, for the cost of one more command.
# Each TU is compiled alone (best of 3 wall-clock times), linked against Boost.JSON, run once (it must print
# W5's response), and stripped. Prints a markdown table.
#
# usage: benchmarks/build_cost.sh [work-dir]     (default build/bench/build_cost; CXX defaults to g++)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
work=${1:-$root/build/bench/build_cost}
cxx=${CXX:-g++}
flags=(-std=c++20 -O2 -DNDEBUG -I"$root/include")
mkdir -p "$work"

declare -A seconds bytes

# measure NAME SOURCE COMMANDS: compile (best of 3), link, run, strip; fills seconds[NAME] and bytes[NAME]
measure() {
    local name=$1 source=$here/build_cost/$2 commands=$3 best="" t
    for _ in 1 2 3; do
        TIMEFORMAT=%3R
        if ! { time "$cxx" "${flags[@]}" -DMI_COMMANDS="$commands" -c "$source" -o "$work/$name.o" \
                   2>"$work/$name.log"; } 2>"$work/$name.time"; then
            cat "$work/$name.log" >&2
            echo "build_cost.sh: $name does not compile" >&2
            exit 1
        fi
        t=$(<"$work/$name.time")
        if [[ -z $best ]] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$t; fi
    done
    "$cxx" "$work/$name.o" -o "$work/$name" -lboost_json
    local expected='{"jsonrpc":"2.0","result":3,"id":1}' got
    got=$("$work/$name") || { echo "build_cost.sh: $name answered '$got', expected '$expected'" >&2; exit 1; }
    [[ $got == "$expected" ]] || { echo "build_cost.sh: $name answered '$got', expected '$expected'" >&2; exit 1; }
    strip -o "$work/$name.stripped" "$work/$name"
    seconds[$name]=$best
    bytes[$name]=$(stat -c %s "$work/$name.stripped")
    echo "build_cost.sh: $name: ${best} s, ${bytes[$name]} bytes" >&2
}

for n in 100 50 10; do
    measure plain_$n plain_w5.cpp $n
    measure registry_$n registry_w5.cpp $n
    measure mi_$n mi_w5.cpp $n
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# per_command A100 A10 SCALE: (A100 - A10) / 90 * SCALE
per_command() { awk -v a="$1" -v b="$2" -v k="$3" 'BEGIN { printf "%.1f", (a - b) / 90 * k }'; }

echo "W5 translation unit, \`$cxx -std=c++20 -O2 -DNDEBUG -c\` (best of 3 wall-clock), linked with -lboost_json"
echo "(shared), stripped. Ratios are to the no-framework TU with the same number of commands."
echo
echo "| TU | commands | compile s | vs plain | stripped bytes | vs plain |"
echo "|---|---:|---:|---:|---:|---:|"
for n in 100 50 10; do
    for kind in plain registry mi; do
        name=${kind}_$n
        case $kind in
        plain) label="plain_w5.cpp (if chain, no framework)" ;;
        registry) label="registry_w5.cpp (hand-written registry)" ;;
        mi) label="mi_w5.cpp (mi)" ;;
        esac
        echo "| $label | $n | ${seconds[$name]} | $(ratio "${seconds[$name]}" "${seconds[plain_$n]}") |" \
             "${bytes[$name]} | $(ratio "${bytes[$name]}" "${bytes[plain_$n]}") |"
    done
done
echo
echo "Per additional command, (100 commands - 10 commands) / 90:"
echo
echo "| TU | compile ms per command | stripped bytes per command |"
echo "|---|---:|---:|"
for kind in plain registry mi; do
    echo "| $kind | $(per_command "${seconds[${kind}_100]}" "${seconds[${kind}_10]}" 1000) |" \
         "$(per_command "${bytes[${kind}_100]}" "${bytes[${kind}_10]}" 1) |"
done
