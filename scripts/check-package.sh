#!/usr/bin/env bash
# Proves the published package works on its own: packs the project as `npm publish` would, installs the tarball
# into an empty folder (its dependencies from the registry, no dev dependency, no source), then runs the installed
# binary there — `--help`, and a sync of the bundled example export, twice (the rerun must write nothing).
# Usage: scripts/check-package.sh   (from anywhere; CI runs it after the test suite)
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
  echo "check-package: $*" >&2
  exit 1
}

work="$(mktemp -d "${TMPDIR:-/tmp}/catalog-sync-package.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Build here, so that pack (scripts ignored: its stdout must stay machine-readable) ships what the sources say now.
npm run --silent build
pack_json="$(npm pack --ignore-scripts --json --pack-destination "$work")"
tgz="$work/$(node -e 'const [p] = JSON.parse(require("fs").readFileSync(0, "utf8")); process.stdout.write(p.filename)' <<<"$pack_json")"
[[ -f "$tgz" ]] || fail "npm pack wrote no tarball"

# What the tarball holds: the build, the binary, the data files it reads at run time — and no sources or tests.
contents="$(tar -tzf "$tgz")"
for required in package/bin/catalog-sync.js package/dist/cli/main.js package/mappings/datasphere-to-glue.json \
  package/config.example.json package/README.md; do
  grep -qx "$required" <<<"$contents" || fail "the tarball lacks ${required#package/}"
done
if grep -qE '^package/(src|test|bench|scripts)/' <<<"$contents"; then fail "the tarball ships sources or tests"; fi
echo "package: $(basename "$tgz"), $(wc -l <<<"$contents") files, $(du -k "$tgz" | cut -f1) KiB"

app="$work/app"
mkdir "$app"
cd "$app"
npm install --prefer-offline --no-audit --no-fund --loglevel=error "$tgz" >/dev/null

help_out="$(npx --no -- catalog-sync --help)" || fail "catalog-sync --help failed"
grep -q 'Usage: catalog-sync' <<<"$help_out" || fail "catalog-sync --help printed no usage"

# The bundled example, as a user would start: config and export copied next to them; the mapping file is the one
# shipped inside the package (the config names the default, which is not in this folder).
cp node_modules/catalog-sync/config.example.json config.json
cp -R node_modules/catalog-sync/examples examples

summary_field() {
  node -e 'const s = JSON.parse(require("fs").readFileSync(0, "utf8")); process.stdout.write(String(process.argv[1].split(".").reduce((o, k) => o[k], s)))' "$1"
}

run_sync() {
  local label="$1" out err code=0
  out="$(npx --no -- catalog-sync sync --json --config config.json 2>"$work/$label.err")" || code=$?
  err="$(cat "$work/$label.err")"
  [[ $code -eq 0 ]] || fail "$label sync exited $code: $err"
  if grep -q '(node:[0-9]*) ' <<<"$err"; then fail "$label sync printed a process warning: $err"; fi
  printf '%s' "$out"
}

first="$(run_sync first)"
created="$(summary_field changes.created <<<"$first")"
tables="$(find output/glue-catalog -name '*.json' ! -name '_*' | wc -l)"
[[ "$created" -gt 0 ]] || fail "the first sync created nothing"
[[ "$tables" -eq "$created" ]] || fail "the first sync created $created assets but wrote $tables table files"
checkpoint_files=(checkpoints/*_checkpoints.json)
[[ -s "${checkpoint_files[0]}" ]] || fail "the first sync wrote no checkpoint"

second="$(run_sync rerun)"
[[ "$(summary_field changes.unchanged <<<"$second")" -eq "$created" ]] || fail "the rerun found changes"
[[ "$(summary_field traffic.target.writes <<<"$second")" -eq 0 ]] || fail "the rerun wrote to the target"

echo "check-package: ok — installed from the tarball on node $(node --version); --help; sync wrote $tables tables; the rerun wrote nothing"
