#!/usr/bin/env bash
# THE main command (README): set up the machine, then run the Stagecast demo until Ctrl-C.
#   bash scripts/demo.sh           # interactive: prints URLs, runs until Ctrl-C
#   bash scripts/demo.sh --check   # (also when CI=true) start everything, verify /api/health, stop, exit 0/1
# Steps are functions listed in DEMO_STEPS; later features (testbed, workers) add a function and one array entry.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$STAGECAST_ROOT"

check=false
[[ "${1:-}" == --check || "${CI:-}" == true ]] && check=true
[[ $# -gt 0 && "$1" != --check ]] && die "unknown option '$1'" "usage: bash scripts/demo.sh [--check]"

export NEXT_TELEMETRY_DISABLED=1 NODE_ENV=production
export DATABASE_URL="${DATABASE_URL:-$STAGECAST_DEMO_DATABASE_URL}"
export PORT="${PORT:-3000}"
WEB_URL="http://127.0.0.1:$PORT"
log_dir="$STAGECAST_STATE/logs"
mkdir -p "$log_dir"

# Background processes we started, stopped in reverse order on exit.
demo_pids=()
cleanup() {
  local i
  for ((i = ${#demo_pids[@]} - 1; i >= 0; i--)); do
    # Each background step runs in its own process group (set -m at launch): stop the whole tree (npm → next-server).
    kill -TERM -- "-${demo_pids[$i]}" 2>/dev/null || kill -TERM "${demo_pids[$i]}" 2>/dev/null || true
  done
  for pid in "${demo_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  demo_pids=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_background <log-file> <command...>: runs it in its own process group and records it for cleanup.
start_background() {
  local log_file="$1"
  shift
  set -m
  "$@" >"$log_file" 2>&1 &
  demo_pids+=($!)
  set +m
}

step_bootstrap() { bash scripts/bootstrap.sh --demo; }

step_migrate_and_seed() {
  npm run --silent seed -w @stagecast/db || die "seeding the demo conference failed" "run 'DATABASE_URL=$DATABASE_URL npm run seed -w @stagecast/db' to see why"
}

step_build_web() {
  log "building the web app (next build)"
  npm run --silent build -w @stagecast/web >"$log_dir/web-build.log" 2>&1 ||
    { tail -40 "$log_dir/web-build.log" >&2; die "web build failed (full log: $log_dir/web-build.log)" "fix the build error above; 'npm run build -w @stagecast/web' reproduces it"; }
}

step_start_web() {
  if curl -fsS -o /dev/null "$WEB_URL/" 2>/dev/null; then
    die "port $PORT is already in use" "stop the other process ('ss -ltnp | grep :$PORT') or run with PORT=3001"
  fi
  log "starting the web app on $WEB_URL"
  start_background "$log_dir/web.log" npm run --silent start -w @stagecast/web -- -H 127.0.0.1 -p "$PORT"
  local deadline=$((SECONDS + 120)) body=''
  while ((SECONDS < deadline)); do
    body="$(curl -fsS "$WEB_URL/api/health" 2>/dev/null || true)"
    [[ "$body" == *'"ok"'* || "$body" == ok ]] && break
    kill -0 "${demo_pids[-1]}" 2>/dev/null || { tail -30 "$log_dir/web.log" >&2; die "the web app exited during start-up (log: $log_dir/web.log)" "read the log above"; }
    sleep 1
  done
  [[ "$body" == *'"ok"'* || "$body" == ok ]] ||
    { tail -30 "$log_dir/web.log" >&2; die "$WEB_URL/api/health did not report ok within 120 s (last answer: ${body:-none})" "read $log_dir/web.log"; }
  ok "web app healthy: $body"
}

# Demo only: an admin account whose password is (re)generated on every run and printed below.
DEMO_ADMIN_EMAIL=demo-admin@stagecast.local
DEMO_ADMIN_PASSWORD=''
step_demo_admin() {
  local out
  out="$(npm run --silent admin:create -w @stagecast/web -- --email "$DEMO_ADMIN_EMAIL" --name 'Demo Admin' --reset 2>&1)" ||
    die "creating the demo admin failed: $out" "run 'DATABASE_URL=$DATABASE_URL npm run admin:create -w @stagecast/web -- --email $DEMO_ADMIN_EMAIL --reset'"
  DEMO_ADMIN_PASSWORD="$(sed -n 's/^password: //p' <<<"$out")"
  [[ -n "$DEMO_ADMIN_PASSWORD" ]] || die "admin:create printed no password: $out" "run it by hand to see why"
}

DEMO_STEPS=(step_bootstrap step_migrate_and_seed step_demo_admin step_build_web step_start_web)

start=$SECONDS
for step in "${DEMO_STEPS[@]}"; do "$step"; done

cat >&2 <<MSG

  Stagecast demo is running ($((SECONDS - start)) s to start)
    Public listing:   $WEB_URL/
    Demo conference:  $WEB_URL/conferences/stagecast-demo
    Health page:      $WEB_URL/health   (JSON: $WEB_URL/api/health)
    Admin (demo):     $WEB_URL/admin   e-mail $DEMO_ADMIN_EMAIL   password $DEMO_ADMIN_PASSWORD
    Logs:             $log_dir/

MSG

if $check; then
  ok "demo check passed"
  exit 0
fi
log "press Ctrl-C to stop"
wait "${demo_pids[@]}"
