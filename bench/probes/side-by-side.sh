#!/usr/bin/env bash
# Traefik and limpet on the same dynamic file, each probed with malformed.py and slow.py
# (docs/reliability.md). Traefik comes from ../shared/bench/get-traefik.sh (~/.cache).
#
# usage: bench/probes/side-by-side.sh      LIMPET_BIN (default target/debug/limpet),
#                                          TRAEFIK_BIN (default ~/.cache/peer-proxies/traefik)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
limpet=${LIMPET_BIN:-$root/target/debug/limpet}
traefik=${TRAEFIK_BIN:-$HOME/.cache/peer-proxies/traefik}
work=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

cat > "$work/dynamic.yml" <<YAML
http:
  routers:
    r: {rule: "Host(\`a.local\`)", service: app}
  services:
    app: {loadBalancer: {servers: [{url: "http://127.0.0.1:19002"}]}}
YAML
static() {  # name port
  cat > "$work/$1.yml" <<YAML
entryPoints:
  web:
    address: "127.0.0.1:$2"
    transport:
      respondingTimeouts: {readTimeout: 2s, idleTimeout: 4s}
providers:
  file: {filename: $work/dynamic.yml}
YAML
}
static traefik 19080; static limpet 19081
python3 "$here/echo.py" 19002 2>"$work/echo.log" & pids+=($!)
"$traefik" --configFile="$work/traefik.yml" >"$work/traefik.log" 2>&1 & pids+=($!)
"$limpet" --configFile="$work/limpet.yml" >"$work/limpet.log" 2>&1 & pids+=($!)
for port in 19080 19081; do
  for _ in $(seq 50); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: a.local' "http://127.0.0.1:$port/")" = 200 ] && break
    sleep 0.2
  done
done
for probe in malformed slow; do
  for side in traefik:19080 limpet:19081; do
    echo "== $probe: ${side%%:*}"
    python3 "$here/$probe.py" "${side##*:}"
  done
done
