#!/usr/bin/env bash
# SIGTERM with 50 requests in flight (each answered by the backend after 2 s), graceTimeOut
# 10s: how many get their 200, whether new connections are refused, when and how the proxy
# exits; then the same with a second signal 0.5 s after the first. Traefik, then limpet
# (docs/reliability.md). The backend is `limpet whoami` (it honours ?wait=).
#
# usage: bench/probes/sigterm.sh    LIMPET_BIN, TRAEFIK_BIN as in side-by-side.sh;
#        SECOND=TERM for a second SIGTERM instead of SIGINT
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
limpet=${LIMPET_BIN:-$root/target/debug/limpet}
traefik=${TRAEFIK_BIN:-$HOME/.cache/peer-proxies/traefik}
work=$(mktemp -d)
"$limpet" whoami --port 19021 --name w >/dev/null 2>&1 & backend=$!
trap 'kill $backend 2>/dev/null; rm -rf "$work"' EXIT
cat > "$work/dynamic.yml" <<YAML
http:
  routers:
    r: {rule: "Host(\`t.local\`)", service: s}
  services:
    s: {loadBalancer: {servers: [{url: "http://127.0.0.1:19021"}]}}
YAML
probe() {  # name binary port second-signal(0|1)
  printf 'entryPoints:\n  web:\n    address: "127.0.0.1:%s"\n    transport: {lifeCycle: {graceTimeOut: 10s}}\nproviders:\n  file: {filename: %s}\n' \
    "$3" "$work/dynamic.yml" > "$work/$1.yml"
  "$2" --configFile="$work/$1.yml" >"$work/$1.log" 2>&1 & local pid=$!
  for _ in $(seq 50); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: t.local' "http://127.0.0.1:$3/")" = 200 ] && break
    sleep 0.2
  done
  rm -f "$work"/r.*
  local curls=()
  for i in $(seq 50); do
    curl -s -o /dev/null -w '%{http_code}\n' -H 'Host: t.local' "http://127.0.0.1:$3/?wait=2s" >"$work/r.$i" 2>/dev/null &
    curls+=($!)
  done
  sleep 0.5
  local t0; t0=$(date +%s.%N)
  kill -TERM "$pid"
  [ "$4" = 1 ] && { sleep 0.5; kill -"${SECOND:-INT}" "$pid"; }
  sleep 0.2
  local refused=no
  curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$3/" || refused=yes
  wait "$pid"; local code=$?
  local t1; t1=$(date +%s.%N)
  wait "${curls[@]}"
  echo "$1, second signal=$4: exit $code after $(echo "$t1 - $t0" | bc | cut -c1-4)s," \
    "new connection refused during the grace: $refused, answers:" \
    "$(cat "$work"/r.* | sort | uniq -c | tr -s ' \n' ' ')"
}
for second in 0 1; do
  probe traefik "$traefik" 19080 "$second"
  probe limpet "$limpet" 19081 "$second"
done
