#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
#
# Over the wire, in one run: mi_daemon (one server thread, then two) and Kamailio's jsonrpcs, both on 127.0.0.1
# and temp files only, started and stopped by pid. HTTP keep-alive with wrk (POST of a W1-shaped request), then
# FIFO, UDP and UNIX datagram round trips with mi_bench_wire_client. Prints a markdown section.
#
# usage: benchmarks/wire.sh BUILD_DIR    (mi_daemon and mi_bench_wire_client built there, Release)
# MI_WIRE_SECONDS (default 10) per wrk run, MI_WIRE_COUNT (default 20000) round trips per datagram/FIFO run.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=$1
seconds=${MI_WIRE_SECONDS:-10}
count=${MI_WIRE_COUNT:-20000}
clients=8 # for the capacity rows: that many clients at once, each $count / $clients round trips
busy_poll=200 # microseconds, for the busy-polling rows (mi_daemon --busy-poll)
daemon=$build/examples/daemon/mi_daemon
client=$build/benchmarks/mi_bench_wire_client
work=$(mktemp -d /tmp/mi_wire.XXXXXX)
pids=()

stop() { # stop PID: SIGTERM, then wait for it
    kill "$1" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
    kill -9 "$1" 2>/dev/null || true
}
cleanup() {
    for p in "${pids[@]}"; do stop "$p"; done
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { # free_port SOCK_STREAM|SOCK_DGRAM
    python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, getattr(socket, sys.argv[1])); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' "$1"
}

wait_http() { # wait_http URL: until a JSON-RPC POST there is answered (Kamailio never answers a GET)
    for _ in $(seq 100); do
        curl -s -o /dev/null --max-time 1 -H 'Content-Type: application/json' \
            -d '{"jsonrpc":"2.0","method":"none","id":1}' "$1" && return 0
        sleep 0.1
    done
    echo "wire.sh: nothing answers at $1" >&2
    return 1
}

# cpu_seconds PID...: "user system" CPU seconds the processes (all their threads) have used so far
cpu_seconds() {
    python3 - "$@" <<'PY'
import os, sys
hz = os.sysconf("SC_CLK_TCK")
user = system = 0
for pid in sys.argv[1:]:
    try:
        fields = open("/proc/%s/stat" % pid).read().rsplit(")", 1)[1].split()
    except OSError:
        continue
    user += int(fields[11])
    system += int(fields[12])
print(user / hz, system / hz)
PY
}

# The server's processes, whose CPU time wrk_run charges to each request.
server_pids=()

# wrk CONNECTIONS THREADS URL BODY -> "requests/s p99_ms user_us_per_request kernel_us_per_request"
wrk_run() {
    local lua=$work/post.lua
    python3 -c 'import json, sys
print("wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.body = " + json.dumps(sys.argv[1]))' "$4" >"$lua"
    local before after
    before=$(cpu_seconds "${server_pids[@]}")
    wrk -t"$2" -c"$1" -d"${seconds}s" --latency -s "$lua" "$3" >"$work/wrk.out"
    after=$(cpu_seconds "${server_pids[@]}")
    python3 -c '
import re, sys
text = open(sys.argv[1]).read()
rps = float(re.search(r"Requests/sec:\s*([\d.]+)", text).group(1))
total = int(re.search(r"(\d+) requests in", text).group(1))
value, unit = re.search(r"^\s*99%\s+([\d.]+)(us|ms|s)\s*$", text, re.M).groups()
ms = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
if errors: sys.exit("wire.sh: wrk saw %s error responses" % errors.group(1))
user0, system0 = map(float, sys.argv[2].split())
user1, system1 = map(float, sys.argv[3].split())
print("%.0f %.3f %.1f %.1f" % (rps, ms, (user1 - user0) / total * 1e6, (system1 - system0) / total * 1e6))' \
        "$work/wrk.out" "$before" "$after"
}

# client_run REQUESTS CLIENT_ARGS...: mi_bench_wire_client's "per_second p99_us", then the server's CPU
# microseconds (user and kernel) per request while it ran
client_run() {
    local requests=$1 before after result
    shift
    before=$(cpu_seconds "${server_pids[@]}")
    result=$("$client" "$@")
    after=$(cpu_seconds "${server_pids[@]}")
    echo "$result $(python3 -c 'import sys
before, after = [sum(map(float, t.split())) for t in sys.argv[1:3]]
print("%.1f" % ((after - before) / int(sys.argv[3]) * 1e6))' "$before" "$after" "$requests")"
}

# --- mi_daemon ------------------------------------------------------------------------------------------------
mi_http=0 mi_udp=0 mi_pid=0 mi_w1=""
start_mi() { # start_mi THREADS [OPTION...]
    local threads=$1 thread
    shift
    mi_http=$(free_port SOCK_STREAM)
    mi_udp=$(free_port SOCK_DGRAM)
    "$daemon" --http "127.0.0.1:$mi_http" --fifo "$work/mi_fifo" --reply-dir "$work/" --udp "127.0.0.1:$mi_udp" \
        --unix "$work/mi.sock" --threads "$threads" "$@" >"$work/mi.log" 2>&1 &
    mi_pid=$!
    pids+=("$mi_pid")
    server_pids=("$mi_pid")
    wait_http "http://127.0.0.1:$mi_http/mi"
    # W1 against this mi_daemon: log_level with a level and the pid of one of its threads
    thread=$(curl -s -H 'Content-Type: application/json' -d '{"jsonrpc":"2.0","method":"ps","id":1}' \
        "http://127.0.0.1:$mi_http/mi" | python3 -c 'import json, sys; print(json.load(sys.stdin)["result"]["Processes"][0]["PID"])')
    mi_w1='{"jsonrpc":"2.0","method":"log_level","params":{"level":4,"pid":'$thread'},"id":11}'
}

start_mi 1
read -r mi_rps1 mi_p99_1 mi_user1 mi_kernel1 < <(wrk_run 1 1 "http://127.0.0.1:$mi_http/mi" "$mi_w1")
read -r mi_rps32 mi_p99_32 mi_user32 mi_kernel32 < <(wrk_run 32 1 "http://127.0.0.1:$mi_http/mi" "$mi_w1")
read -r mi_fifo mi_fifo_p99 mi_fifo_cpu < <(client_run "$count" fifo-opensips "$work/mi_fifo" "$work" "$count" "$mi_w1")
read -r mi_udp_rt mi_udp_rt_p99 mi_udp_rt_cpu < <(client_run "$count" udp 127.0.0.1 "$mi_udp" "$count" "$mi_w1")
read -r mi_unix mi_unix_p99 mi_unix_cpu < <(client_run "$count" unix "$work/mi.sock" - "$count" "$mi_w1")
share=$((count / clients))
read -r mi_fifo_n mi_fifo_n_p99 mi_fifo_n_cpu < <(client_run "$((share * clients))" fifo-opensips "$work/mi_fifo" "$work" "$share" "$mi_w1" "$clients")
read -r mi_udp_n mi_udp_n_p99 mi_udp_n_cpu < <(client_run "$((share * clients))" udp 127.0.0.1 "$mi_udp" "$share" "$mi_w1" "$clients")
read -r mi_unix_n mi_unix_n_p99 mi_unix_n_cpu < <(client_run "$((share * clients))" unix "$work/mi.sock" - "$share" "$mi_w1" "$clients")
read -r mi_fifo_s mi_fifo_s_p99 mi_fifo_s_cpu < <(client_run "$count" fifo-opensips "$work/mi_fifo" "$work" "$count" "$mi_w1" 1 spin)
read -r mi_udp_s mi_udp_s_p99 mi_udp_s_cpu < <(client_run "$count" udp 127.0.0.1 "$mi_udp" "$count" "$mi_w1" 1 spin)
read -r mi_unix_s mi_unix_s_p99 mi_unix_s_cpu < <(client_run "$count" unix "$work/mi.sock" - "$count" "$mi_w1" 1 spin)
stop "$mi_pid"

start_mi 1 --busy-poll "$busy_poll"
read -r mi_fifo_b mi_fifo_b_p99 mi_fifo_b_cpu < <(client_run "$count" fifo-opensips "$work/mi_fifo" "$work" "$count" "$mi_w1")
read -r mi_fifo_bs mi_fifo_bs_p99 mi_fifo_bs_cpu < <(client_run "$count" fifo-opensips "$work/mi_fifo" "$work" "$count" "$mi_w1" 1 spin)
read -r mi_udp_b mi_udp_b_p99 mi_udp_b_cpu < <(client_run "$count" udp 127.0.0.1 "$mi_udp" "$count" "$mi_w1")
read -r mi_unix_b mi_unix_b_p99 mi_unix_b_cpu < <(client_run "$count" unix "$work/mi.sock" - "$count" "$mi_w1")
read -r mi_udp_bs mi_udp_bs_p99 mi_udp_bs_cpu < <(client_run "$count" udp 127.0.0.1 "$mi_udp" "$count" "$mi_w1" 1 spin)
read -r mi_unix_bs mi_unix_bs_p99 mi_unix_bs_cpu < <(client_run "$count" unix "$work/mi.sock" - "$count" "$mi_w1" 1 spin)
stop "$mi_pid"

start_mi 2
read -r mi2_rps32_t1 mi2_p99_t1 _ _ < <(wrk_run 32 1 "http://127.0.0.1:$mi_http/mi" "$mi_w1")
read -r mi2_rps32_t2 mi2_p99_t2 _ _ < <(wrk_run 32 2 "http://127.0.0.1:$mi_http/mi" "$mi_w1")
stop "$mi_pid"

# --- Kamailio ---------------------------------------------------------------------------------------------------
kam_w1='{"jsonrpc":"2.0","method":"core.echo","params":[4,9472],"id":11}'
kam_pid=0 kam_http=0
start_kamailio() { # start_kamailio DGRAM_SOCKET
    kam_http=$(free_port SOCK_STREAM)
    sed -e "s|@FIFO@|$work/kamailio_fifo|" -e "s|@REPLY_DIR@|$work/|" -e "s|@DGRAM@|$1|" \
        "$here/kamailio.cfg" >"$work/kamailio.cfg"
    kamailio -f "$work/kamailio.cfg" -l "tcp:127.0.0.1:$kam_http" -DD -E -Y "$work" -w "$work" >"$work/kamailio.log" 2>&1 &
    kam_pid=$!
    pids+=("$kam_pid")
    wait_http "http://127.0.0.1:$kam_http/RPC"
    mapfile -t server_pids < <(pgrep -f -- "-f $work/kamailio.cfg")
    for _ in $(seq 50); do [ -p "$work/kamailio_fifo" ] && return 0; sleep 0.1; done
}

kamailio_version=""
if command -v kamailio >/dev/null; then
    kamailio_version=$(kamailio -v | head -1)
    kam_udp=$(free_port SOCK_DGRAM)
    start_kamailio "udp:127.0.0.1:$kam_udp"
    read -r kam_rps1 kam_p99_1 kam_user1 kam_kernel1 < <(wrk_run 1 1 "http://127.0.0.1:$kam_http/RPC" "$kam_w1")
    read -r kam_rps32 kam_p99_32 kam_user32 kam_kernel32 < <(wrk_run 32 1 "http://127.0.0.1:$kam_http/RPC" "$kam_w1")
    read -r kam_fifo kam_fifo_p99 kam_fifo_cpu < <(client_run "$count" fifo-kamailio "$work/kamailio_fifo" "$work" "$count" "$kam_w1")
    read -r kam_udp_rt kam_udp_rt_p99 kam_udp_rt_cpu < <(client_run "$count" udp 127.0.0.1 "$kam_udp" "$count" "$kam_w1")
    read -r kam_fifo_n kam_fifo_n_p99 kam_fifo_n_cpu < <(client_run "$((share * clients))" fifo-kamailio "$work/kamailio_fifo" "$work" "$share" "$kam_w1" "$clients")
    read -r kam_udp_n kam_udp_n_p99 kam_udp_n_cpu < <(client_run "$((share * clients))" udp 127.0.0.1 "$kam_udp" "$share" "$kam_w1" "$clients")
    read -r kam_fifo_s kam_fifo_s_p99 kam_fifo_s_cpu < <(client_run "$count" fifo-kamailio "$work/kamailio_fifo" "$work" "$count" "$kam_w1" 1 spin)
    read -r kam_udp_s kam_udp_s_p99 kam_udp_s_cpu < <(client_run "$count" udp 127.0.0.1 "$kam_udp" "$count" "$kam_w1" 1 spin)
    stop "$kam_pid"
    start_kamailio "$work/kamailio.sock"
    read -r kam_unix kam_unix_p99 kam_unix_cpu < <(client_run "$count" unix "$work/kamailio.sock" - "$count" "$kam_w1")
    read -r kam_unix_n kam_unix_n_p99 kam_unix_n_cpu < <(client_run "$((share * clients))" unix "$work/kamailio.sock" - "$share" "$kam_w1" "$clients")
    read -r kam_unix_s kam_unix_s_p99 kam_unix_s_cpu < <(client_run "$count" unix "$work/kamailio.sock" - "$count" "$kam_w1" 1 spin)
    stop "$kam_pid"
fi

# --- report -------------------------------------------------------------------------------------------------------
ratio() { python3 -c 'import sys; print("%.1f" % (float(sys.argv[1]) / float(sys.argv[2])))' "$1" "$2"; }
add() { python3 -c 'import sys; print("%.1f" % (float(sys.argv[1]) + float(sys.argv[2])))' "$1" "$2"; }
echo "wrk $(wrk -v 2>&1 | head -1 | cut -d' ' -f2) for ${seconds} s per row; $count sequential round trips per FIFO/datagram row"
echo "(mi_bench_wire_client, reply FIFO and client socket reused; one client, or $clients at once for capacity). Server CPU per"
echo "request: user plus kernel time of all the server's threads and processes while the row ran, over its requests (from"
echo "/proc). mi_daemon: \`log_level\` with a level and a thread's"
echo "pid (W1's shape); Kamailio: \`core.echo\` with \`[4,9472]\` (it has no log_level; echo is its cheapest two-parameter"
echo "call). The machine has 2 cores: server and client share them."
echo
if [ -n "$kamailio_version" ]; then
    echo "Kamailio: $kamailio_version, modules xhttp + jsonrpcs, one HTTP worker (tcp_children=1), config benchmarks/kamailio.cfg."
else
    echo "Kamailio is not installed here (Debian: kamailio), so only mi's figures are given."
fi
# table_head FIRST_COLUMN, then row LABEL UNIT P99_UNIT MI MI_P99 MI_CPU [KAM KAM_P99 KAM_CPU]: with Kamailio's
# columns and the ratios when it ran
table_head() {
    echo
    if [ -n "$kamailio_version" ]; then
        echo "| $1 | mi_daemon (1 thread) | p99 | server CPU per request | Kamailio | p99 | server CPU per request | mi / Kamailio, rate | Kamailio / mi, CPU |"
        echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    else
        echo "| $1 | mi_daemon (1 thread) | p99 | server CPU per request |"
        echo "|---|---:|---:|---:|"
    fi
}
row() {
    if [ -n "$kamailio_version" ]; then
        echo "| $1 | $4 $2 | $5 $3 | $6 µs | $7 $2 | $8 $3 | $9 µs | $(ratio "$4" "$7") | $(ratio "$9" "$6") |"
    else
        echo "| $1 | $4 $2 | $5 $3 | $6 µs |"
    fi
}
# trip LABEL MI KAM: a round-trip row from the variables MI, MI_p99, MI_cpu and KAM, KAM_p99, KAM_cpu
trip() {
    local mi=$2 mi_p99=${2}_p99 mi_cpu=${2}_cpu kam=$3 kam_p99=${3}_p99 kam_cpu=${3}_cpu
    row "$1" /s µs "${!mi}" "${!mi_p99}" "${!mi_cpu}" "${!kam-}" "${!kam_p99-}" "${!kam_cpu-}"
}
table_head transport
row "HTTP keep-alive, 1 connection (wrk -t1)" req/s ms "$mi_rps1" "$mi_p99_1" "$(add "$mi_user1" "$mi_kernel1")" \
    "${kam_rps1-}" "${kam_p99_1-}" "$(add "${kam_user1-0}" "${kam_kernel1-0}")"
row "HTTP keep-alive, 32 connections (wrk -t1)" req/s ms "$mi_rps32" "$mi_p99_32" "$(add "$mi_user32" "$mi_kernel32")" \
    "${kam_rps32-}" "${kam_p99_32-}" "$(add "${kam_user32-0}" "${kam_kernel32-0}")"
trip "FIFO round trips" mi_fifo kam_fifo
trip "UDP round trips" mi_udp_rt kam_udp_rt
trip "UNIX datagram round trips" mi_unix kam_unix
trip "FIFO, $clients clients at once" mi_fifo_n kam_fifo_n
trip "UDP, $clients clients at once" mi_udp_n kam_udp_n
trip "UNIX datagrams, $clients clients at once" mi_unix_n kam_unix_n
echo
echo "Server CPU per request, HTTP keep-alive at 32 connections (all the server's processes and threads, from"
echo "/proc while wrk ran):"
echo
echo "| | user µs | kernel µs | total µs |"
echo "|---|---:|---:|---:|"
echo "| mi_daemon | $mi_user32 | $mi_kernel32 | $(add "$mi_user32" "$mi_kernel32") |"
if [ -n "$kamailio_version" ]; then
    echo "| Kamailio | $kam_user32 | $kam_kernel32 | $(add "$kam_user32" "$kam_kernel32") |"
fi
echo
echo "Round trips without wake-ups. A spinning client polls for its answer instead of sleeping, so that its own"
echo "wake-up is not timed; it is the same client against both servers. A busy-polling mi_daemon (\`--busy-poll $busy_poll\`,"
echo "\`busy_poll\` in mi::fifo::options and mi::datagram::options) polls its FIFO and sockets for the next request for"
echo "$busy_poll µs after each answer instead of sleeping: its CPU per request then includes that spinning. Kamailio has no"
echo "such mode; its columns repeat its rows above with the same client."
table_head "round trips"
trip "FIFO, spinning client" mi_fifo_s kam_fifo_s
trip "UDP, spinning client" mi_udp_s kam_udp_s
trip "UNIX, spinning client" mi_unix_s kam_unix_s
trip "FIFO, mi busy-polling" mi_fifo_b kam_fifo
trip "UDP, mi busy-polling" mi_udp_b kam_udp_rt
trip "UNIX, mi busy-polling" mi_unix_b kam_unix
trip "FIFO, mi busy-polling, spinning client" mi_fifo_bs kam_fifo_s
trip "UDP, mi busy-polling, spinning client" mi_udp_bs kam_udp_s
trip "UNIX, mi busy-polling, spinning client" mi_unix_bs kam_unix_s
echo
echo "Scaling, HTTP keep-alive, 32 connections: mi_daemon on 1 io_context thread $mi_rps32 req/s (wrk -t1);"
echo "on 2 threads $mi2_rps32_t1 req/s with wrk -t1 (p99 $mi2_p99_t1 ms) and $mi2_rps32_t2 req/s with wrk -t2 (p99 $mi2_p99_t2 ms)."
echo "With 2 cores, a second server thread competes with the client for the same cores."
