#!/usr/bin/env bash
# Local "Jitsi" with real media for manual use: real Prosody (scripts/services/prosody.sh) + TS test focus + test bridge
# whose media side is the GStreamer forwarding bridge (apps/testbed), in the foreground. Prints the meeting URL.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/services/prosody.sh start
exec node --conditions=@stagecast/source --import tsx apps/testbed/src/main.ts
