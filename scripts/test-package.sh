#!/usr/bin/env bash
# The packages as users install them: pack, install the tarball in an empty project, run publint +
# attw (every resolution profile), check that the packed declarations export every source name
# and type-check a consumer against them under four module resolutions, then make a real
# request (to a local server) through both `import` and `require`.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

if [ "${SKIP_BUILD:-}" != 1 ] || [ ! -f dist/index.js ]; then npm run build --silent; fi
rm -rf .tmp/package && mkdir -p .tmp/package
tarball=$(npm pack --silent --pack-destination .tmp/package | tail -n 1)
tarball_path="$PWD/.tmp/package/$tarball"
echo "packed $tarball ($(du -k "$tarball_path" | cut -f1) KiB)"

npx publint "$tarball_path"
# No --profile: attw checks node10, node16 (CJS and ESM) and bundler. node10 resolves the
# subpaths through `typesVersions`.
npx attw "$tarball_path"

# ky is ESM-only: a `.d.cts` that imports it breaks node16 CommonJS consumers (TOOLCHAIN.md §5).
if tar -xzOf "$tarball_path" --wildcards 'package/dist/*.d.cts' | grep -nE "from ['\"]ky['\"]|import\(['\"]ky['\"]\)"; then
  echo "a .d.cts in the tarball imports ky (see above): keep ky types out of the public API" >&2
  exit 1
fi

consumer=.tmp/package/consumer
mkdir -p "$consumer/types"
cp scripts/package-smoke/*.* scripts/runtime-smoke/* "$consumer/"
cp scripts/package-smoke/types/* "$consumer/types/"

# Every entry in `exports` (but ./package.json) must be imported by the type probe, so a new
# subpath cannot ship without being type-checked under every resolution below.
node -e '
  const fs = require("node:fs");
  const pkg = require(process.argv[1]);
  const probe = fs.readFileSync(process.argv[2], "utf8");
  const missing = Object.keys(pkg.exports)
    .filter((key) => key !== "./package.json")
    .map((key) => pkg.name + key.slice(1))
    .filter((spec) => !probe.includes(`from '"'"'${spec}'"'"'`));
  if (missing.length > 0) {
    console.error(`scripts/package-smoke/types/consumer.ts does not import: ${missing.join(", ")}`);
    process.exit(1);
  }
' "$repo/package.json" "$consumer/types/consumer.ts"

types_node=$(node -p 'require("./node_modules/@types/node/package.json").version')
tsc="$repo/node_modules/typescript/bin/tsc"
(
  cd "$consumer"
  echo '{ "name": "consumer", "private": true, "version": "0.0.0" }' > package.json
  # @types/node: a Node consumer has it, and the sandbox's types name node:http.
  npm install --no-audit --no-fund --silent "$tarball_path" "@types/node@$types_node"

  # The same probe as an ES module and as a CommonJS module (NodeNext/Node16 pick `.d.ts` or
  # `.d.cts` by the importing file's format); Bundler and node10 read it as `.ts`.
  cp types/consumer.ts types/consumer.mts
  cp types/consumer.ts types/consumer.cts
  # Independent checks of a few seconds each (the tsc runs spend most of it in zod's and
  # @types/node's own declarations, skipLibCheck false): run them side by side.
  "$repo/node_modules/.bin/tsx" "$repo/scripts/check-dts-exports.ts" node_modules/kommo-sdk \
    >types/exports.log 2>&1 &
  exports_pid=$!
  resolutions=(nodenext node16 bundler node10)
  pids=()
  for resolution in "${resolutions[@]}"; do
    node "$tsc" -p "types/tsconfig.$resolution.json" --pretty false >"types/$resolution.log" 2>&1 &
    pids+=($!)
  done
  failed=0
  if wait "$exports_pid"; then cat types/exports.log; else cat types/exports.log >&2; failed=1; fi
  for i in "${!resolutions[@]}"; do
    resolution=${resolutions[$i]}
    if wait "${pids[$i]}"; then
      echo "types ($resolution, strict, skipLibCheck false): 0 errors"
    else
      sed -n 1,60p "types/$resolution.log" >&2
      echo "types ($resolution, strict, skipLibCheck false): $(grep -c 'error TS' "types/$resolution.log") errors" >&2
      failed=1
    fi
  done
  [ "$failed" = 0 ]

  node smoke.mjs
  node smoke.cjs
  node smoke-sandbox.mjs
  node smoke-chats.mjs
  node smoke-salesbot.mjs
  bash run.sh
)
bash scripts/examples-smoke.sh "$tarball_path"
# The kommo command (packages/cli), packed and installed with this tarball.
bash scripts/test-package-cli.sh "$tarball_path"
# The MCP server workspace, installed with this tarball (and the CLI it takes its account flags from).
bash scripts/test-package-mcp.sh "$tarball_path"
echo "package test passed"
