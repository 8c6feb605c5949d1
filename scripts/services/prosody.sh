#!/usr/bin/env bash
# Testbed Prosody (Debian prosody 0.12) configured like a Jitsi Meet deployment, loopback only.
# Usage: scripts/services/prosody.sh start|stop|status|env|restart
# Idempotent; data, logs and the rendered config live under .stagecast/prosody (git-ignored). No systemd.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="${STAGECAST_PROSODY_DIR:-$ROOT/.stagecast/prosody}"
TEMPLATE="$ROOT/packages/jitsi/test/prosody/prosody.cfg.lua"
PLUGINS="$ROOT/packages/jitsi/test/prosody/plugins"
HTTP_PORT="${STAGECAST_PROSODY_HTTP_PORT:-15280}"
C2S_PORT="${STAGECAST_PROSODY_C2S_PORT:-15222}"
LOG_LEVEL="${STAGECAST_PROSODY_LOG_LEVEL:-info}"
CFG="$DIR/prosody.cfg.lua"
PIDFILE="$DIR/prosody.run.pid"

DOMAIN=meet.stagecast.test
SECURE_DOMAIN=secure.stagecast.test
GUEST_DOMAIN=guest.secure.stagecast.test

secret() { # stable per data dir
  local f="$DIR/$1"
  if [[ ! -s "$f" ]]; then head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$f"; chmod 600 "$f"; fi
  cat "$f"
}

host_dir() { printf '%s' "$1" | sed 's/\./%2e/g; s/-/%2d/g'; }

write_account() { # host user password (mod_auth_internal_plain storage format)
  local d="$DIR/data/$(host_dir "$1")/accounts"
  mkdir -p "$d"
  printf 'return {\n\t["password"] = "%s";\n};\n' "$3" >"$d/$2.dat"
}

is_running() {
  [[ -f "$PIDFILE" ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null
}

http_ready() {
  curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$HTTP_PORT/xmpp-websocket" 2>/dev/null
}

render() {
  mkdir -p "$DIR/data"
  local jwt; jwt="$(secret jwt-secret)"
  sed -e "s#@DATA_DIR@#$DIR#g" -e "s#@PLUGIN_DIR@#$PLUGINS#g" -e "s#@HTTP_PORT@#$HTTP_PORT#g" \
      -e "s#@C2S_PORT@#$C2S_PORT#g" -e "s#@JWT_SECRET@#$jwt#g" -e "s#@LOG_LEVEL@#$LOG_LEVEL#g" \
      "$TEMPLATE" >"$CFG.tmp"
  mv "$CFG.tmp" "$CFG"
  write_account "auth.$DOMAIN" focus "$(secret focus-password)"
  write_account "$SECURE_DOMAIN" host "$(secret secure-password)"
}

start() {
  if is_running; then
    if http_ready; then echo "prosody already running (pid $(cat "$PIDFILE"))"; return 0; fi
  fi
  command -v prosody >/dev/null || { echo "prosody not installed: apt-get install prosody" >&2; exit 1; }
  render
  : >"$DIR/prosody.log"
  # prosody 0.12 stays in the foreground with daemonize=false; detach it ourselves.
  mkdir -p "$DIR/certs"; setsid nohup prosody -F --config "$CFG" >"$DIR/stdout.log" 2>&1 </dev/null &
  echo $! >"$PIDFILE"
  for _ in $(seq 1 100); do
    if http_ready; then echo "prosody started (pid $(cat "$PIDFILE")) on 127.0.0.1:$HTTP_PORT"; return 0; fi
    if ! is_running; then break; fi
    sleep 0.2
  done
  echo "prosody failed to start; see $DIR/prosody.log and $DIR/stdout.log:" >&2
  tail -n 30 "$DIR/stdout.log" "$DIR/prosody.log" >&2 || true
  stop >/dev/null || true
  exit 1
}

stop() {
  if is_running; then
    local pid; pid="$(cat "$PIDFILE")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    echo "prosody stopped"
  else
    echo "prosody not running"
  fi
  rm -f "$PIDFILE"
}

status() {
  if is_running && http_ready; then echo "prosody running (pid $(cat "$PIDFILE")) on 127.0.0.1:$HTTP_PORT"; return 0; fi
  echo "prosody not running"; return 3
}

env_vars() {
  mkdir -p "$DIR"
  cat <<VARS
STAGECAST_PROSODY_WEBSOCKET_URL=ws://127.0.0.1:$HTTP_PORT/xmpp-websocket
STAGECAST_PROSODY_HTTP_PORT=$HTTP_PORT
STAGECAST_PROSODY_C2S_PORT=$C2S_PORT
STAGECAST_PROSODY_DOMAIN=$DOMAIN
STAGECAST_PROSODY_MUC=conference.$DOMAIN
STAGECAST_PROSODY_LOBBY_MUC=lobby.$DOMAIN
STAGECAST_PROSODY_FOCUS_COMPONENT=focus.$DOMAIN
STAGECAST_PROSODY_FOCUS_JID=focus@auth.$DOMAIN
STAGECAST_PROSODY_FOCUS_PASSWORD=$(secret focus-password)
STAGECAST_PROSODY_SECURE_DOMAIN=$SECURE_DOMAIN
STAGECAST_PROSODY_GUEST_DOMAIN=$GUEST_DOMAIN
STAGECAST_PROSODY_SECURE_USER=host
STAGECAST_PROSODY_SECURE_PASSWORD=$(secret secure-password)
STAGECAST_PROSODY_JWT_APP_ID=stagecast-testbed
STAGECAST_PROSODY_JWT_SECRET=$(secret jwt-secret)
VARS
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) status ;;
  env) env_vars ;;
  *) echo "usage: $0 start|stop|restart|status|env" >&2; exit 2 ;;
esac
