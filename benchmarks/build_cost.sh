#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
#
# W5 build figures (benchmarks/README.md): compile time at -O2 and stripped binary size of the W5 translation unit,
# 100 commands m0..m99, via mi, via the hand-written registry, and with no framework; plus each at 10 and 50
# commands, for the cost of one more command. mi is measured twice: header-only, and with MI_SEPARATE_COMPILATION,
# its command-independent code built once into libmi_separate.so, as the registry's JSON code is in
# libboost_json.so.
# Every TU is compiled in turn, five rounds over (the least CPU time, user + system, of each), then linked
# (against Boost.JSON, shared), run once (it must print W5's response), and stripped. Prints a markdown table.
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

repetitions=5

# cpu_time OUTPUT ARGS...: compiles with "$cxx" ARGS once (log in OUTPUT.log); prints the CPU time it took
cpu_time() {
    local output=$1
    shift
    TIMEFORMAT='%3U %3S'
    if ! { time "$cxx" "$@" 2>"$output.log"; } 2>"$output.time"; then
        cat "$output.log" >&2
        echo "build_cost.sh: $output does not compile" >&2
        exit 1
    fi
    awk '{ printf "%.3f", $1 + $2 }' "$output.time"
}

# keep_least NAME SECONDS: seconds[NAME] becomes the lesser of the two
keep_least() {
    if [[ -z ${seconds[$1]:-} ]] || awk -v a="$2" -v b="${seconds[$1]}" 'BEGIN { exit !(a < b) }'; then
        seconds[$1]=$2
    fi
}

# Every unit: name, source, commands, compile flags, then after "--" link flags. They are compiled in turn,
# $repetitions times over, so that a busy spell of the shared machine lands on all of them alike rather than on
# the three compilations of one; each keeps its least time.
separate=(-DMI_SEPARATE_COMPILATION)
units=()
for n in 100 50 10; do
    units+=("plain_$n plain_w5.cpp $n --"
            "registry_$n registry_w5.cpp $n --"
            "mi_$n mi_w5.cpp $n --"
            "separate_$n mi_w5.cpp $n ${separate[*]} -- -L$work -lmi_separate -Wl,-rpath,$work")
done

for ((round = 1; round <= repetitions; ++round)); do
    echo "build_cost.sh: round $round of $repetitions" >&2
    # The separately compiled part of mi: its compile time and size are reported on their own.
    t=$(cpu_time "$work/mi_src.o" "${flags[@]}" "${separate[@]}" -fPIC -c "$here/build_cost/mi_src.cpp" \
        -o "$work/mi_src.o")
    keep_least mi_src "$t"
    for unit in "${units[@]}"; do
        read -r name source commands rest <<<"$unit"
        compile=${rest%%--*}
        # shellcheck disable=SC2086 # the flags are words
        t=$(cpu_time "$work/$name.o" "${flags[@]}" $compile -DMI_COMMANDS="$commands" -c "$here/build_cost/$source" \
            -o "$work/$name.o")
        keep_least "$name" "$t"
    done
done

"$cxx" -shared "$work/mi_src.o" -o "$work/libmi_separate.so" -lboost_json
strip -o "$work/libmi_separate.stripped.so" "$work/libmi_separate.so"
library_bytes=$(stat -c %s "$work/libmi_separate.stripped.so")

# Each unit linked, run once (it must print W5's response) and stripped.
expected='{"jsonrpc":"2.0","result":3,"id":1}'
for unit in "${units[@]}"; do
    read -r name _ _ rest <<<"$unit"
    link=${rest#*--}
    # shellcheck disable=SC2086
    "$cxx" "$work/$name.o" -o "$work/$name" $link -lboost_json
    got=$("$work/$name") || { echo "build_cost.sh: $name answered '$got', expected '$expected'" >&2; exit 1; }
    [[ $got == "$expected" ]] || { echo "build_cost.sh: $name answered '$got', expected '$expected'" >&2; exit 1; }
    strip -o "$work/$name.stripped" "$work/$name"
    bytes[$name]=$(stat -c %s "$work/$name.stripped")
    echo "build_cost.sh: $name: ${seconds[$name]} s, ${bytes[$name]} bytes" >&2
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# per_command A100 A10 SCALE: (A100 - A10) / 90 * SCALE
per_command() { awk -v a="$1" -v b="$2" -v k="$3" 'BEGIN { printf "%.1f", (a - b) / 90 * k }'; }

echo "W5 translation unit, \`$cxx -std=c++20 -O2 -DNDEBUG -c\` (least CPU time, user + system, of $repetitions rounds that"
echo "compile every unit in turn), linked with"
echo "-lboost_json (shared), stripped. Ratios are to the no-framework TU with the same number of commands."
echo "The separate rows define MI_SEPARATE_COMPILATION and link libmi_separate.so, built once from <mi/src.hpp>:"
echo "${seconds[mi_src]} s to compile, ${library_bytes} bytes stripped (libboost_json.so, which every row links, is"
echo "$(stat -L -c %s "$("$cxx" -print-file-name=libboost_json.so)") bytes)."
echo
echo "| TU | commands | compile s | vs plain | stripped bytes | vs plain |"
echo "|---|---:|---:|---:|---:|---:|"
for n in 100 50 10; do
    for kind in plain registry mi separate; do
        name=${kind}_$n
        case $kind in
        plain) label="plain_w5.cpp (if chain, no framework)" ;;
        registry) label="registry_w5.cpp (hand-written registry)" ;;
        mi) label="mi_w5.cpp (mi, header-only)" ;;
        separate) label="mi_w5.cpp (mi, MI_SEPARATE_COMPILATION)" ;;
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
for kind in plain registry mi separate; do
    echo "| $kind | $(per_command "${seconds[${kind}_100]}" "${seconds[${kind}_10]}" 1000) |" \
         "$(per_command "${bytes[${kind}_100]}" "${bytes[${kind}_10]}" 1) |"
done
