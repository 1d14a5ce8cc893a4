#!/usr/bin/env bash
# A sticky service of two backends (bench/probes/echo.py); 20 sessions send requests back to
# back (sessions.py); 2 s in, the backend most sessions are pinned to is SIGKILLed. Run once
# against Traefik, once against limpet, each with fresh backends (docs/reliability.md).
#
# usage: bench/probes/kill-server.sh    LIMPET_BIN, TRAEFIK_BIN as in side-by-side.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
limpet=${LIMPET_BIN:-$root/target/debug/limpet}
traefik=${TRAEFIK_BIN:-$HOME/.cache/peer-proxies/traefik}
work=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
cat > "$work/dynamic.yml" <<YAML
http:
  routers:
    k: {rule: "Host(\`k.local\`)", service: k}
  services:
    k:
      loadBalancer:
        sticky: {cookie: {name: S}}
        servers: [{url: "http://127.0.0.1:19011"}, {url: "http://127.0.0.1:19012"}]
YAML
run() {  # name binary port
  python3 "$here/echo.py" 19011 2>/dev/null & local b1=$!; pids+=($b1)
  python3 "$here/echo.py" 19012 2>/dev/null & local b2=$!; pids+=($b2)
  disown "$b1" "$b2"
  printf 'entryPoints:\n  web:\n    address: "127.0.0.1:%s"\nproviders:\n  file: {filename: %s}\n' \
    "$3" "$work/dynamic.yml" > "$work/$1.yml"
  "$2" --configFile="$work/$1.yml" >"$work/$1.log" 2>&1 & local p=$!; pids+=($p)
  for _ in $(seq 50); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: k.local' "http://127.0.0.1:$3/")" = 200 ] && break
    sleep 0.2
  done
  echo "== $1 (backend 19011 SIGKILLed 2 s in)"
  (sleep 2; kill -9 "$b1") &
  python3 "$here/sessions.py" "$3" 20 6
  kill "$p" "$b2" 2>/dev/null || true; wait "$p" 2>/dev/null || true
}
run traefik "$traefik" 19080
run limpet "$limpet" 19081
