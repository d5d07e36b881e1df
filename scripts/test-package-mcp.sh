#!/usr/bin/env bash
# kommo-mcp as users install it: pack the CLI and the MCP server workspaces, install them with
# the packed kommo-sdk (argument 1) in an empty project, then start the installed bin:
# --help, and raw JSON-RPC initialize / tools/list / tools/call round trips over stdio
# (--read-only; then all tools: a dry run that sends nothing, a write, the lead read back).
set -euo pipefail
cd "$(dirname "$0")/.."
sdk_tarball=${1:?usage: test-package-mcp.sh <kommo-sdk tarball>}

for ws in packages/cli packages/mcp; do
  if [ "${SKIP_BUILD:-}" != 1 ] || [ ! -d "$ws/dist" ]; then npm run build --silent -w "$ws"; fi
done
dest=.tmp/package/mcp
rm -rf "$dest" && mkdir -p "$dest"
cli_tarball=$(npm pack --silent -w kommo-cli --pack-destination "$dest" | tail -n 1)
mcp_tarball=$(npm pack --silent -w kommo-mcp --pack-destination "$dest" | tail -n 1)
echo "packed $mcp_tarball ($(du -k "$dest/$mcp_tarball" | cut -f1) KiB) with $cli_tarball"
# What ships: the build and the bin launcher only.
if tar -tzf "$dest/$mcp_tarball" | grep -vE '^package/(dist/|bin/kommo-mcp\.js$|package\.json$|README\.md$|LICENSE$)'; then
  echo "kommo-mcp's tarball holds files beyond dist/ and bin/kommo-mcp.js (above)" >&2
  exit 1
fi
npx publint "$dest/$mcp_tarball"

consumer="$dest/consumer"
mkdir -p "$consumer"
cp scripts/mcp-smoke/initialize.mjs "$consumer/"
(
  cd "$consumer"
  echo '{ "name": "mcp-consumer", "private": true, "version": "0.0.0" }' > package.json
  npm install --no-audit --no-fund --silent "$sdk_tarball" "../$cli_tarball" "../$mcp_tarball"
  echo "installed kommo-mcp with its dependencies: $(du -sm node_modules | cut -f1) MB"
  help=$(node_modules/.bin/kommo-mcp --help)
  grep -q '^kommo-mcp 0\.' <<<"$help" || { echo "kommo-mcp --help: $help" >&2; exit 1; }
  grep -q -- '--token-file' <<<"$help" || { echo "kommo-mcp --help lacks the account flags" >&2; exit 1; }
  node initialize.mjs
)
echo "kommo-mcp package test passed"
