#!/usr/bin/env bash
# limpet with and without its observability on, measured like the benchmark kit's peers.sh (docs/benchmarks.md):
# same nginx backends, same dynamic file (traefik-dynamic.yml), proxy pinned to CPU 0 and
# wrk to CPU 1, CPU µs per request of the proxy as the figure to compare.
#
#   plain      the static file peers.sh writes (no access log, no metrics)
#   observed   plus `accessLog` (common format, to a file) and `metrics.prometheus`
#              (on a `traefik` entrypoint, scraped once at the end to show it counted)
#   accesslog, metrics   one of the two alone
#
# usage: bench/observability.sh [-d SECONDS] [-c CONNECTIONS] [VARIANT ...]
#   LIMPET_BIN (default target/release/limpet), SHARED (default ../shared)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$root/../shared}
dur=8; conns=50
while getopts "d:c:" o; do case $o in d) dur=$OPTARG;; c) conns=$OPTARG;; *) exit 2;; esac; done
shift $((OPTIND-1))
variants=("$@"); [ ${#variants[@]} -gt 0 ] || variants=(plain observed)
LIMPET_BIN=${LIMPET_BIN:-$root/target/release/limpet}
work=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 0.3; rm -rf "$work"; }
trap cleanup EXIT

cpu_ticks() { local t=0 p s f; for p in "$@"; do for s in /proc/$p/task/*/stat; do [ -r "$s" ] || continue; read -r -a f < "$s"; t=$((t+f[13]+f[14])); done; done; echo $t; }
wait_port() { for _ in $(seq 100); do [ "$(curl -s -o /dev/null -w "%{http_code}" -H "Host: app.localhost" "http://127.0.0.1:$1/")" = 200 ] && return 0; sleep 0.1; done; return 1; }

sed "s#/tmp/#$work/#g" "$shared/bench/backends-nginx.conf" > "$work/backends.conf"
taskset -c 1 nginx -c "$work/backends.conf" & pids+=($!)
sleep 0.5

static_cfg() { # variant -> limpet static configuration on 127.0.0.1:8085
  printf 'entryPoints:\n  web:\n    address: "127.0.0.1:8085"\n'
  [ "$1" != plain ] && printf '  traefik:\n    address: "127.0.0.1:8086"\n'
  printf 'providers:\n  file:\n    filename: %s\nlog:\n  level: ERROR\n' "$shared/bench/traefik-dynamic.yml"
  case $1 in observed|accesslog) printf 'accessLog:\n  filePath: %s\n' "$work/access.log";; esac
  case $1 in observed|metrics) printf 'metrics:\n  prometheus: {}\n';; esac
  true
}

printf '%-9s %10s %9s %9s %14s %9s %s\n' variant rps p50 p99 cpu_us_per_req rss_kb logged
for variant in "${variants[@]}"; do
  static_cfg "$variant" > "$work/$variant.yml"
  taskset -c 0 "$LIMPET_BIN" --configFile="$work/$variant.yml" >"$work/$variant.log" 2>&1 & pid=$!
  pids+=("$pid")
  wait_port 8085 || { echo "$variant: did not start (see $work/$variant.log)" >&2; continue; }
  cookie=$(curl -s -D - -o /dev/null -H 'Host: app.localhost' "http://127.0.0.1:8085/" | tr -d '\r' | awk -F'[:;] *' 'tolower($1)=="set-cookie"{print $2; exit}')
  c0=$(cpu_ticks "$pid")
  res=$(taskset -c 1 wrk -t1 -c"$conns" -d"${dur}s" --latency -H 'Host: app.localhost' -H "Cookie: $cookie" "http://127.0.0.1:8085/")
  c1=$(cpu_ticks "$pid")
  total=$(awk '/requests in/{print $1}' <<<"$res")
  rss=$(awk '/VmRSS/{print $2}' /proc/$pid/status)
  logged=-
  if [ "$variant" != plain ]; then
    sleep 0.5
    lines=0; [ -f "$work/access.log" ] && lines=$(wc -l < "$work/access.log")
    counted=$(curl -s http://127.0.0.1:8086/metrics | awk '/^traefik_entrypoint_requests_total/{s+=$2} END{print s+0}')
    logged="$lines lines, $counted counted"; rm -f "$work/access.log"
  fi
  printf '%-9s %10s %9s %9s %14.2f %9s %s\n' "$variant" "$(awk '/Requests\/sec/{print $2}' <<<"$res")" \
    "$(awk '$1=="50%"{print $2}' <<<"$res")" "$(awk '$1=="99%"{print $2}' <<<"$res")" \
    "$(echo "($c1-$c0)*10000/$total" | bc -l)" "$rss" "$logged"
  kill "$pid" 2>/dev/null || true; sleep 0.5
done
