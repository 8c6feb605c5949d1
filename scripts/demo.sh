#!/usr/bin/env bash
# THE main command (README): set up the machine, then run the Stagecast demo until Ctrl-C.
#   bash scripts/demo.sh           # interactive: prints URLs, runs until Ctrl-C
#   bash scripts/demo.sh --check   # (also when CI=true) start everything, verify /api/health and that the watch page's
#                                  # HLS playlist gets fresh segments with PROGRAM-DATE-TIME, stop, exit 0/1
# The full show, offline: Postgres, nginx origin, the testbed (Prosody + test focus + forwarding bridge with media),
# the web app, the planner and a stage worker, two simulated speakers (`stagecast join` with a test pattern + tone) in
# the demo room, and the demo room's broadcast (composite → HLS PUT to the origin = the room's public HLS URL).
# Steps are functions listed in DEMO_STEPS; a feature adds a function and one array entry.
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

# Background processes we started, stopped in reverse order on exit (speakers, stage worker — its broadcast sends EOS
# and ends the playlist — planner, web, testbed). Each runs in its own process group (set -m at launch), so the whole
# tree (npm → next-server, stagecast → engine) goes; whatever still runs after DEMO_STOP_TIMEOUT seconds is killed.
demo_pids=()
demo_names=()
cleanup() {
  local i pid deadline
  ((${#demo_pids[@]})) || return 0
  log "stopping the demo (${demo_names[*]})"
  for ((i = ${#demo_pids[@]} - 1; i >= 0; i--)); do
    pid="${demo_pids[$i]}"
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    # Speakers and the stage worker leave the meeting before the testbed goes away: wait for each in turn.
    deadline=$((SECONDS + ${DEMO_STOP_TIMEOUT:-40}))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      warn "${demo_names[$i]} did not stop within ${DEMO_STOP_TIMEOUT:-40} s; killing its process group"
      kill -KILL -- "-$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
  demo_pids=()
  demo_names=()
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
  demo_names+=("$(basename "$log_file" .log)")
  set +m
}

# wait_for_log <timeout> <log-file> <extended regex> <what>: waits until the last background process logs the pattern.
wait_for_log() {
  local timeout="$1" file="$2" pattern="$3" what="$4" pid="${demo_pids[-1]}"
  local deadline=$((SECONDS + timeout))
  until grep -Eq -- "$pattern" "$file" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { tail -30 "$file" >&2; die "$what exited during start-up (log: $file)" "read the log above"; }
    ((SECONDS < deadline)) || { tail -30 "$file" >&2; die "$what was not ready within $timeout s (log: $file)" "read $file; the machine may be overloaded (DEMO_START_TIMEOUT=600 waits longer)"; }
    sleep 0.5
  done
}

# TypeScript entry points run from source (tsx) with the workspace source condition: no stale dist/ to rebuild.
TSX=(node --conditions=@stagecast/source --import tsx)
DEMO_START_TIMEOUT="${DEMO_START_TIMEOUT:-300}"
DEMO_ROOM_PUBLIC_SLUG=stagecast-demo-main-hall
DEMO_MEETING_ROOM=stagecast-demo-main-hall
DEMO_OUTPUT_DIR="$STAGECAST_STATE/demo/stage-output"
MEETING_URL=''
ORIGIN_HLS_URL=''

# NODE_ENV=production (exported above for next start) must not reach npm: it would skip every devDependency (tsx,
# vitest, eslint…) when bootstrap reinstalls node_modules.
step_bootstrap() { env -u NODE_ENV bash scripts/bootstrap.sh --demo; }

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

step_start_origin() {
  bash scripts/services/nginx.sh start
  ORIGIN_HLS_URL="$(bash scripts/services/nginx.sh env | sed -n 's/^export STAGECAST_ORIGIN_HLS_URL=//p')"
  [[ -n "$ORIGIN_HLS_URL" ]] || die "scripts/services/nginx.sh env printed no STAGECAST_ORIGIN_HLS_URL" "run it by hand to see why"
}

step_start_testbed() {
  log "starting the testbed (Prosody + test focus + forwarding bridge with media)"
  start_background "$log_dir/testbed.log" bash scripts/testbed.sh
  wait_for_log "$DEMO_START_TIMEOUT" "$log_dir/testbed.log" '^  meeting URL +http' 'the testbed'
  local demo_url
  demo_url="$(sed -n 's/^  meeting URL *//p' "$log_dir/testbed.log" | head -1)"
  MEETING_URL="${demo_url%/*}/$DEMO_MEETING_ROOM"
  ok "testbed ready: $MEETING_URL"
}

step_start_workers() {
  mkdir -p "$DEMO_OUTPUT_DIR"
  log "starting the planner and a stage worker"
  start_background "$log_dir/planner.log" "${TSX[@]}" workers/planner/src/main.ts
  start_background "$log_dir/stage-worker.log" env STAGE_OUTPUT_DIR="$DEMO_OUTPUT_DIR" \
    STAGE_BROADCAST_VIDEO="${DEMO_BROADCAST_VIDEO:-1280x720@25}" STAGE_BROADCAST_BITRATE_KBPS="${DEMO_BROADCAST_KBPS:-2000}" \
    "${TSX[@]}" workers/stage/src/main.ts
  wait_for_log "$DEMO_START_TIMEOUT" "$log_dir/stage-worker.log" '"msg":"ready"' 'the stage worker'
}

# Two simulated speakers: test pattern + tone, each with its name burned in.
speaker_pipeline() {
  local name="$1" pattern="$2" freq="$3"
  echo "videotestsrc is-live=true pattern=$pattern ! video/x-raw,width=640,height=360,framerate=15/1 ! textoverlay text=\"$name\" font-desc=\"Sans 28\" valignment=bottom ! timeoverlay halignment=right ! queue name=video audiotestsrc is-live=true wave=sine freq=$freq volume=0.25 ! audio/x-raw,rate=48000,channels=1 ! queue name=audio"
}
step_start_speakers() {
  log "two simulated speakers join $MEETING_URL"
  start_background "$log_dir/speaker-ada.log" "${TSX[@]}" apps/cli/src/main.ts join "$MEETING_URL" --nick 'Ada (simulated)' \
    --send-pipeline "$(speaker_pipeline Ada smpte 440)"
  wait_for_log "$DEMO_START_TIMEOUT" "$log_dir/speaker-ada.log" '^joined ' 'speaker Ada'
  start_background "$log_dir/speaker-linus.log" "${TSX[@]}" apps/cli/src/main.ts join "$MEETING_URL" --nick 'Linus (simulated)' \
    --send-pipeline "$(speaker_pipeline Linus ball 660)"
  wait_for_log "$DEMO_START_TIMEOUT" "$log_dir/speaker-linus.log" '^joined ' 'speaker Linus'
}

# Points the demo room at the testbed meeting and the origin, then starts its broadcast like the admin's Start button.
step_start_broadcast() {
  local out
  out="$("${TSX[@]}" scripts/demo-show.ts --public-slug "$DEMO_ROOM_PUBLIC_SLUG" --meeting-url "$MEETING_URL" \
    --hls-public "$ORIGIN_HLS_URL/$DEMO_ROOM_PUBLIC_SLUG/index.m3u8" --hls-ingest "$ORIGIN_HLS_URL/$DEMO_ROOM_PUBLIC_SLUG/" 2>&1)" ||
    die "starting the demo broadcast failed: $out" "run the command in step_start_broadcast of scripts/demo.sh by hand"
  ok "broadcast of $DEMO_ROOM_PUBLIC_SLUG queued: $out"
}

# --check: the watch page's stream must get fresh segments with PROGRAM-DATE-TIME (scripts/demo-check-stream.mjs).
check_watch_stream() {
  local timeout="${DEMO_CHECK_TIMEOUT:-300}"
  log "waiting up to $timeout s for the watch page's stream (segments with PROGRAM-DATE-TIME)"
  node scripts/demo-check-stream.mjs "$WEB_URL" "$DEMO_ROOM_PUBLIC_SLUG" "$timeout" ||
    { tail -20 "$log_dir/stage-worker.log" >&2; die "the demo broadcast did not reach the watch page" "read $log_dir/stage-worker.log and $log_dir/testbed.log"; }
}

DEMO_STEPS=(step_bootstrap step_migrate_and_seed step_demo_admin step_start_origin step_build_web step_start_testbed step_start_web
  step_start_workers step_start_speakers step_start_broadcast)

start=$SECONDS
for step in "${DEMO_STEPS[@]}"; do "$step"; done

cat >&2 <<MSG

  Stagecast demo is running ($((SECONDS - start)) s to start)
    Public listing:   $WEB_URL/
    Demo conference:  $WEB_URL/conferences/stagecast-demo
    Health page:      $WEB_URL/health   (JSON: $WEB_URL/api/health)
    Admin (demo):     $WEB_URL/admin   e-mail $DEMO_ADMIN_EMAIL   password $DEMO_ADMIN_PASSWORD
    Live control:     Admin → Stagecast Demo Conf → Live control (layout, start/stop broadcast, status)
    Watch the show:   $WEB_URL/watch/$DEMO_ROOM_PUBLIC_SLUG   (HLS: $ORIGIN_HLS_URL/$DEMO_ROOM_PUBLIC_SLUG/index.m3u8)
    Meeting (testbed): $MEETING_URL
    Join it yourself: node apps/cli/bin/stagecast.js join $MEETING_URL --nick You \\
                        --send-pipeline 'videotestsrc is-live=true pattern=ball ! video/x-raw,width=640,height=360 ! queue name=video'
    Logs:             $log_dir/

MSG

if $check; then
  check_watch_stream
  ok "demo check passed ($((SECONDS - start)) s)"
  exit 0
fi
log "press Ctrl-C to stop"
wait "${demo_pids[@]}"
