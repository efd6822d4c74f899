#!/usr/bin/env bash
# Sets up code-server (a real VS Code workbench + extension host, installed from the npm registry)
# for `npm run test:e2e`, without downloading binaries: its npm postinstall fetches prebuilt
# binaries and fails offline, so we install with --ignore-scripts and build the native modules
# against the machine's Node headers. The result is cached OUTSIDE the repository and reused.
#
# Usage: scripts/setup-code-server.sh        prints the code-server directory on its last line
# Env:   DATABASE_MIGRATION_E2E_CACHE         cache root (default ~/.cache/database-migration-e2e)
#        CODE_SERVER_VERSION                  default 4.99.3 (VS Code 1.99, engines.node 20)
set -euo pipefail

VERSION="${CODE_SERVER_VERSION:-4.99.3}"
CACHE="${DATABASE_MIGRATION_E2E_CACHE:-$HOME/.cache/database-migration-e2e}"
ROOT="$CACHE/code-server-$VERSION"
CS="$ROOT/node_modules/code-server"
READY="$ROOT/.ready"

log() { echo "[setup-code-server] $*" >&2; }

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v rg >/dev/null 2>&1 || need_apt+=(ripgrep)
command -v krb5-config >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    log "missing ${need_apt[*]} and apt-get is not available; install them by hand"
    exit 3
  fi
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  log "installing ${need_apt[*]} with apt-get"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >&2
fi

# Two e2e runs at once (two checkouts, CI beside a developer) share the cache: one builds, the other waits for it
# instead of deleting the directory under it.
mkdir -p "$CACHE"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE/.code-server-$VERSION.lock"
  flock 9 || { log "could not lock $CACHE/.code-server-$VERSION.lock"; exit 3; }
fi

if [ -f "$READY" ] && [ -f "$CS/out/node/entry.js" ]; then
  # A build cut short or clobbered leaves .ready with modules missing: start it once to be sure.
  if (cd "$ROOT" && timeout 60 node "$CS/out/node/entry.js" --version >/dev/null 2>&1); then
    log "reusing $CS"
    echo "$CS"
    exit 0
  fi
  log "the cached build in $ROOT does not start: building it again"
fi

NPM_DIR="$(dirname "$(readlink -f "$(command -v npm)")")/.."
NODE_GYP="$NPM_DIR/node_modules/node-gyp/bin/node-gyp.js"
[ -f "$NODE_GYP" ] || { log "node-gyp not found at $NODE_GYP"; exit 3; }
# Node's headers ship with the distribution (include/node); node-gyp would otherwise download them.
NODEDIR="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
[ -f "$NODEDIR/include/node/node.h" ] || { log "Node headers not found under $NODEDIR/include/node"; exit 3; }
LOG="$ROOT.log"
# Compiler output goes to a log; on failure its tail is printed.
gyp() {
  if ! (cd "$1" && shift && node "$NODE_GYP" rebuild --nodedir="$NODEDIR" "$@" >>"$LOG" 2>&1); then
    tail -40 "$LOG" >&2; log "node-gyp failed in $1 (full log: $LOG)"; exit 4
  fi
}
npmq() { npm --no-audit --no-fund --loglevel=error "$@" >&2; }

started=$(date +%s)
log "building code-server $VERSION in $ROOT (about 1–2 minutes, ~300 MB)"
rm -rf "$ROOT"
mkdir -p "$ROOT"
: > "$LOG"
echo '{"name":"database-migration-e2e-code-server","private":true}' > "$ROOT/package.json"
(cd "$ROOT" && npmq install "code-server@$VERSION" --ignore-scripts --no-package-lock)

VS="$CS/lib/vscode"
(cd "$VS" && npmq install --omit=dev --ignore-scripts)
for m in kerberos @parcel/watcher node-pty @vscode/spdlog native-watchdog @vscode/deviceid; do
  if [ -d "$VS/node_modules/$m" ]; then
    log "node-gyp: $m"
    gyp "$VS/node_modules/$m"
  fi
done
mkdir -p "$VS/node_modules/@vscode/ripgrep/bin"
ln -sf "$(command -v rg)" "$VS/node_modules/@vscode/ripgrep/bin/rg"
ln -sfn node_modules "$VS/node_modules.asar"
[ -e "$VS/bin/remote-cli/code-server" ] || ln -s code-linux.sh "$VS/bin/remote-cli/code-server"
[ -e "$VS/bin/helpers/browser.sh" ] || ln -s browser-linux.sh "$VS/bin/helpers/browser.sh"
(cd "$VS/extensions" && npmq install --omit=dev --ignore-scripts)

ARGON="$CS/node_modules/argon2"
[ -d "$ARGON" ] || ARGON="$ROOT/node_modules/argon2"
log "node-gyp: argon2"
gyp "$ARGON" --module_name=argon2 --module_path=./lib/binding/napi-v3 --napi_build_version=3
mkdir -p "$ARGON/lib/binding/napi-v3"
cp "$ARGON/build/Release/argon2.node" "$ARGON/lib/binding/napi-v3/"

touch "$READY"
log "done in $(( $(date +%s) - started )) s"
echo "$CS"
