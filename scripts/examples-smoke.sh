#!/usr/bin/env bash
# Every example, copied as a user would copy it into a fresh project that installed the packed
# tarball (plus tsx, and express/hono for their receivers), runs without editing an import:
# each runnable one answers --help, and the demo (which imports every scenario) passes against
# its sandbox. Usage: scripts/examples-smoke.sh <kommo-sdk tarball>
set -euo pipefail
cd "$(dirname "$0")/.."
tarball=$(realpath "$1")
project=.tmp/package/examples-project
rm -rf "$project" && mkdir -p "$project"
# Everything but the Next.js app (a project of its own, built by npm run test:e2e).
(cd examples && find . -name '*.ts' -not -path './nextjs/*' -print0 | xargs -0 -I{} cp --parents {} "../$project/")
cd "$project"
echo '{ "name": "my-kommo-scripts", "private": true, "type": "module" }' > package.json
# A project of its own: no `paths` of the SDK repository may leak in.
echo '{ "compilerOptions": { "module": "NodeNext", "moduleResolution": "NodeNext", "strict": true, "skipLibCheck": true } }' > tsconfig.json
npm install --no-audit --no-fund --silent "$tarball" tsx@^4.23.15 express@^5.3.0 hono@^4.13.19
if grep -rn "src/\|_shared" --include='*.ts' . --exclude-dir=node_modules; then
  echo "an example imports the SDK's source" >&2
  exit 1
fi
for script in *.ts webhooks/*.ts; do
  case "$script" in webhooks/routes.ts | webhooks/nextjs-route.ts) continue ;; esac
  out=$(npx --no-install tsx "$script" --help)
  case "$out" in "Usage: "*) ;; *) echo "$script --help printed: $out" >&2 && exit 1 ;; esac
done
echo "every example answers --help from the tarball"
env -u KOMMO_DOMAIN -u KOMMO_BASE_URL -u KOMMO_ACCESS_TOKEN npx --no-install tsx demo.ts | tail -n 3
npx --no-install tsx chat-to-lead.ts | tail -n 2
echo "examples copied into a fresh project: ok"
