#!/usr/bin/env bash
# kommo-cli as users install it: pack the workspace, install it with the packed kommo-sdk into a
# scratch project, run the `kommo` bin (help, whoami, codegen against --sandbox), type-check
# the generated module and a consumer of `kommo-cli/account` (skipLibCheck false), run that
# consumer; and check that kommo-sdk alone still installs ky and zod only.
# Usage: scripts/test-package-cli.sh <kommo-sdk tarball>
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
sdk=$(realpath "$1")

if [ "${SKIP_BUILD:-}" != 1 ] || [ ! -f packages/cli/dist/bin.js ]; then npm run build --silent -w kommo-cli; fi
cli=$(cd packages/cli && npm pack --silent --pack-destination "$repo/.tmp/package" | tail -n 1)
cli="$repo/.tmp/package/$cli"
echo "packed $(basename "$cli") ($(du -k "$cli" | cut -f1) KiB)"
npx publint "$cli"
npx attw "$cli" --profile esm-only

# kommo-sdk alone: its two runtime dependencies, nothing of the CLI.
sdk_only=.tmp/package/sdk-only
rm -rf "$sdk_only" && mkdir -p "$sdk_only"
(
  cd "$sdk_only"
  echo '{ "name": "sdk-only", "private": true, "version": "0.0.0" }' > package.json
  npm install --no-audit --no-fund --silent --omit=dev "$sdk"
  installed=$(ls node_modules | grep -v '^\.' | sort | tr '\n' ' ')
  if [ "$installed" != "kommo-sdk ky zod " ]; then
    echo "npm install kommo-sdk installed: $installed (expected kommo-sdk ky zod)" >&2
    exit 1
  fi
  echo "npm install kommo-sdk: kommo-sdk, ky, zod"
)

project=.tmp/package/cli-project
rm -rf "$project" && mkdir -p "$project"
cp scripts/cli-smoke/*.ts scripts/cli-smoke/tsconfig.json "$project/"
types_node=$(node -p 'require("./node_modules/@types/node/package.json").version')
(
  cd "$project"
  echo '{ "name": "my-kommo-project", "private": true, "type": "module" }' > package.json
  # Both tarballs at once: kommo-cli's kommo-sdk dependency is the packed one, not the registry's.
  npm install --no-audit --no-fund --silent "$sdk" "$cli" "@types/node@$types_node"
  [ "$(node -p 'require("kommo-sdk/package.json").version')" = "$(node -p "require('$repo/package.json').version")" ]
  kommo() { env -u KOMMO_DOMAIN -u KOMMO_BASE_URL -u KOMMO_ACCESS_TOKEN -u KOMMO_TOKEN_FILE XDG_CONFIG_HOME="$PWD/.config" npx --no-install kommo "$@"; }
  kommo --version
  kommo --help | grep -q 'Usage: kommo'
  kommo whoami --sandbox | grep -q 'Sandbox Sales'
  kommo codegen --sandbox --out kommo.generated.ts
  kommo codegen --sandbox --out kommo.generated.ts --check
  node "$repo/node_modules/typescript/bin/tsc" -p tsconfig.json
  echo "the generated module and a kommo-cli/account consumer type-check (skipLibCheck false)"
  "$repo/node_modules/.bin/tsx" account.ts
  set +e
  kommo import deals x.csv --sandbox 2>/dev/null
  code=$?
  set -e
  [ "$code" = 2 ] || { echo "a usage error exited $code, not 2" >&2; exit 1; }
)
echo "kommo-cli package test passed"
