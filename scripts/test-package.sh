#!/usr/bin/env bash
# The package as users install it: pack, install the tarball in an empty project, then make a
# real request (to a local server) through both `import` and `require`, and run publint + attw.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${SKIP_BUILD:-}" != 1 ] || [ ! -f dist/index.js ]; then npm run build --silent; fi
rm -rf .tmp/package && mkdir -p .tmp/package
tarball=$(npm pack --silent --pack-destination .tmp/package | tail -n 1)
tarball_path="$PWD/.tmp/package/$tarball"
echo "packed $tarball ($(du -k "$tarball_path" | cut -f1) KiB)"

npx publint "$tarball_path"
npx attw "$tarball_path" --profile node16

consumer=.tmp/package/consumer
mkdir -p "$consumer"
cp scripts/package-smoke/* scripts/runtime-smoke/* "$consumer/"
(
  cd "$consumer"
  echo '{ "name": "consumer", "private": true, "version": "0.0.0" }' > package.json
  npm install --no-audit --no-fund --silent "$tarball_path"
  node smoke.mjs
  node smoke.cjs
  node smoke-sandbox.mjs
  node smoke-chats.mjs
  bash run.sh
)
echo "package test passed"
