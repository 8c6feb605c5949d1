#!/usr/bin/env bash
# One-time (and idempotent) setup of a Debian bookworm machine for Stagecast, as root, without stdin:
#   bash scripts/bootstrap.sh [--demo|--test]
# 1. Debian packages from scripts/apt-packages.txt (only the missing ones; apt is skipped when all are present)
# 2. Node >= 20.19 check and npm dependencies (skipped when node_modules matches the lockfile), node-gtk native build check
# 3. Postgres started (scripts/services/postgres.sh), role and databases, migrations applied
#    (--demo: the demo database; --test: the test database; default: both)
# Every failure names what is missing and how to fix it.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

mode=all
case "${1:-}" in
  --demo) mode=demo ;;
  --test) mode=test ;;
  '') ;;
  *) die "unknown option '$1'" "usage: bash scripts/bootstrap.sh [--demo|--test]" ;;
esac

export DEBIAN_FRONTEND=noninteractive CI="${CI:-}" NEXT_TELEMETRY_DISABLED=1
cd "$STAGECAST_ROOT"

step_apt() {
  local missing
  missing="$(apt_missing_packages | tr '\n' ' ')"
  if [[ -z "${missing// /}" ]]; then
    ok "Debian packages: all $(apt_package_list | wc -l) present"
    return
  fi
  require_root "$@"
  require_debian_bookworm
  log "installing Debian packages: $missing"
  apt-get update -q >/dev/null || die "apt-get update failed" "check network access to the Debian mirrors and /etc/apt/sources.list*"
  # shellcheck disable=SC2086 # word splitting of the package list is intended
  apt-get install -y -q --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold $missing </dev/null ||
    die "apt-get install failed for: $missing" "read the apt output above; 'apt-get -f install' repairs half-installed packages"
  missing="$(apt_missing_packages | tr '\n' ' ')"
  [[ -z "${missing// /}" ]] || die "still missing after apt-get install: $missing" "install them by hand with apt-get and rerun"
  ok "Debian packages installed"
}

step_node() {
  have node || die "Node.js is not installed" "install Node.js 20.19+ (Debian package 'nodejs' from the NodeSource repository, or the official tarball) and rerun"
  local version
  version="$(node -p 'process.versions.node')"
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' ||
    die "Node.js $version is too old; Stagecast needs >= 20.19 (vitest 4, Next.js 16)" "install Node.js 20.19+ or 22 LTS and rerun"
  have npm || die "npm is missing" "install npm 10+ (it ships with Node.js)"
  local nodedir
  nodedir="$(sed -n 's/^nodedir=//p' .npmrc)"
  [[ -f "${nodedir:-/usr}/include/node/node.h" ]] ||
    die "Node.js headers not found at ${nodedir:-/usr}/include/node (node-gtk compiles against them and must not download them)" \
      "install the headers of your Node build (NodeSource 'nodejs' ships them in /usr/include/node) or change nodedir in .npmrc"
  ok "Node.js $version, npm $(npm -v 2>/dev/null)"
}

install_hash() {
  { node -p 'process.version'; cat package-lock.json; git ls-files -z -- '*package.json' 2>/dev/null | xargs -0 cat 2>/dev/null || find . -name package.json -not -path '*/node_modules/*' -exec cat {} +; } | sha256sum | cut -d' ' -f1
}

find_node_gtk_binary() {
  find node_modules/node-gtk -name node_gtk.node -type f 2>/dev/null | head -1
}

step_npm() {
  local stamp=node_modules/.stagecast-install-hash want
  want="$(install_hash)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -n "$(find_node_gtk_binary)" ]]; then
    ok "npm dependencies: up to date with package-lock.json"
    return
  fi
  log "installing npm dependencies (node-gtk compiles from source; this takes a few minutes)"
  local out
  out="$(mktemp)"
  # Several engineers (and their tests) share one checkout: serialize with everyone else's npm runs.
  exec 8>/tmp/npm.lock
  flock -w 900 8 || die "timed out waiting for another npm install (/tmp/npm.lock)" "wait for it to finish, then rerun"
  if ! npm ci --no-audit --no-fund >"$out" 2>&1; then
    if grep -q 'can only install packages when your package.json and package-lock.json' "$out"; then
      # The lockfile lacks other platforms' optional binaries (e.g. @turbo/darwin-64) that this registry does not
      # serve, so npm ci refuses; npm install --no-save installs the same locked versions without rewriting the lock.
      warn "npm ci refused the lockfile (missing other-platform optional packages); using 'npm install --no-save' with the same lock"
      npm install --no-save --no-audit --no-fund >"$out" 2>&1 || { grep -v '^npm warn' "$out" | tail -40 >&2; die "npm install failed" "read the npm output above; check registry access and the build tools (build-essential, python3, libgirepository1.0-dev)"; }
    else
      grep -v '^npm warn' "$out" | tail -40 >&2
      die "npm ci failed" "read the npm output above; check registry access and the build tools (build-essential, python3, libgirepository1.0-dev)"
    fi
  fi
  rm -f "$out"
  if [[ -z "$(find_node_gtk_binary)" ]]; then
    log "node-gtk native module missing; building it (npm rebuild node-gtk)"
    npm rebuild node-gtk --foreground-scripts >/dev/null 2>&1 || true
  fi
  [[ -n "$(find_node_gtk_binary)" ]] ||
    die "node-gtk did not build: node_modules/node-gtk/**/node_gtk.node is missing" \
      "check that libgirepository1.0-dev, libcairo2-dev, build-essential, python3 are installed and that .npmrc nodedir points at Node headers; then run 'npm rebuild node-gtk --foreground-scripts' to see the compiler output"
  echo "$want" >"$stamp"
  exec 8>&-
  ok "npm dependencies installed; node-gtk built ($(find_node_gtk_binary))"
}

step_postgres() {
  bash scripts/services/postgres.sh start || die "Postgres did not start" "see the message above"
  local url
  for url in $([[ $mode != test ]] && echo "$STAGECAST_DEMO_DATABASE_URL") $([[ $mode != demo ]] && echo "$STAGECAST_TEST_DATABASE_URL"); do
    DATABASE_URL="$url" npm run --silent migrate -w @stagecast/db >/dev/null ||
      die "migrations failed on ${url%%@*}@…" "run 'DATABASE_URL=$url npm run migrate -w @stagecast/db' to see the error"
  done
  ok "Postgres up on 127.0.0.1:5432; migrations applied ($mode)"
}

start=$SECONDS
step_apt "$@"
step_node
step_npm
step_postgres
ok "bootstrap done in $((SECONDS - start)) s"
