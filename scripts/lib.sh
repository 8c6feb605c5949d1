#!/usr/bin/env bash
# Shared helpers for Stagecast scripts. Source it: `. "$(dirname "$0")/lib.sh"` (or ../lib.sh from services/).
# Every failure goes through `die`, which names what is missing and how to fix it.

set -euo pipefail

STAGECAST_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STAGECAST_STATE="${STAGECAST_STATE:-$STAGECAST_ROOT/.stagecast}"
export STAGECAST_ROOT STAGECAST_STATE

# Database URLs (loopback only). Demo and tests use separate databases on the same cluster.
STAGECAST_DB_USER=stagecast
STAGECAST_DB_PASSWORD=stagecast
STAGECAST_DB_HOST=127.0.0.1
STAGECAST_DB_PORT=5432
STAGECAST_DEMO_DB=stagecast
STAGECAST_TEST_DB=stagecast_test
STAGECAST_DEMO_DATABASE_URL="postgres://$STAGECAST_DB_USER:$STAGECAST_DB_PASSWORD@$STAGECAST_DB_HOST:$STAGECAST_DB_PORT/$STAGECAST_DEMO_DB"
STAGECAST_TEST_DATABASE_URL="postgres://$STAGECAST_DB_USER:$STAGECAST_DB_PASSWORD@$STAGECAST_DB_HOST:$STAGECAST_DB_PORT/$STAGECAST_TEST_DB"
export STAGECAST_DEMO_DATABASE_URL STAGECAST_TEST_DATABASE_URL

if [[ -t 2 ]]; then
  _c_red=$'\e[31m' _c_yel=$'\e[33m' _c_grn=$'\e[32m' _c_dim=$'\e[2m' _c_off=$'\e[0m'
else
  _c_red='' _c_yel='' _c_grn='' _c_dim='' _c_off=''
fi

log() { printf '%s[stagecast]%s %s\n' "$_c_dim" "$_c_off" "$*" >&2; }
ok() { printf '%s[stagecast]%s %s%s%s\n' "$_c_dim" "$_c_off" "$_c_grn" "$*" "$_c_off" >&2; }
warn() { printf '%s[stagecast] warning:%s %s\n' "$_c_yel" "$_c_off" "$*" >&2; }

# die "what went wrong" ["how to fix it"]
die() {
  printf '%s[stagecast] error:%s %s\n' "$_c_red" "$_c_off" "$1" >&2
  if [[ $# -ge 2 && -n "$2" ]]; then printf '%s[stagecast] fix:%s %s\n' "$_c_red" "$_c_off" "$2" >&2; fi
  exit 1
}

have() { command -v "$1" >/dev/null 2>&1; }

require_root() {
  [[ "$(id -u)" -eq 0 ]] || die "this script installs Debian packages and starts services, so it must run as root" \
    "run it as root on Debian bookworm, e.g. 'sudo bash $0 $*'"
}

require_debian_bookworm() {
  local codename=''
  if [[ -r /etc/os-release ]]; then codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"; fi
  [[ "$codename" == bookworm ]] || die "Stagecast setup targets Debian 12 (bookworm); this machine reports '${codename:-unknown}'" \
    "use a Debian bookworm machine or container (see docker/Dockerfile.web), or install the packages in scripts/apt-packages.txt by hand"
}

# Packages listed in scripts/apt-packages.txt (comments and blank lines ignored).
apt_package_list() {
  sed -e 's/#.*//' -e 's/[[:space:]]\+/\n/g' "$STAGECAST_ROOT/scripts/apt-packages.txt" | sed '/^$/d'
}

# Prints the packages of the list that are not installed.
apt_missing_packages() {
  local pkg status
  while read -r pkg; do
    status="$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)"
    [[ "$status" == installed ]] || echo "$pkg"
  done < <(apt_package_list)
}

# Wait until a command succeeds; wait_for <timeout-seconds> <description> <cmd...>
wait_for() {
  local timeout="$1" what="$2"
  shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then return 1; fi
    sleep 0.5
  done
  log "$what is ready"
}

# Runs the executable service scripts under scripts/services/ with one action (start|stop|status).
# Postgres always comes first on start and last on stop, because other services and the apps depend on it.
service_scripts() {
  local f
  [[ -x "$STAGECAST_ROOT/scripts/services/postgres.sh" ]] && echo "$STAGECAST_ROOT/scripts/services/postgres.sh"
  for f in "$STAGECAST_ROOT"/scripts/services/*.sh; do
    [[ -x "$f" && "$(basename "$f")" != postgres.sh ]] && echo "$f"
  done
  return 0
}
