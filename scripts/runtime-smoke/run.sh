#!/usr/bin/env bash
# Runs the packed package under Node, Bun and Deno against a sandbox started by Node, and the
# webhooks entry inside an edge runtime. Called by scripts/test-package.sh from the consumer
# folder where the tarball is installed.
set -euo pipefail

log=$(mktemp)
./node_modules/.bin/kommo-sandbox --port 0 --quiet > "$log" &
sandbox_pid=$!
trap 'kill $sandbox_pid 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 100); do
  grep -q 'Access token:' "$log" 2>/dev/null && break
  sleep 0.1
done
url=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$log" | head -n1)
token=$(sed -n 's/^Access token: \(.*\)$/\1/p' "$log" | head -n1)
[ -n "$url" ] && [ -n "$token" ] || { echo "the sandbox did not start"; cat "$log"; exit 1; }

node runtime.mjs "$url" "$token"
npx -y bun@1.4.5 runtime.mjs "$url" "$token"
npx -y deno@2.9.6 run --allow-net --allow-read --allow-env runtime.mjs "$url" "$token"
node edge.mjs
