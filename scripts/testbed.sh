#!/usr/bin/env bash
# Local "Jitsi" for manual use: real Prosody (scripts/services/prosody.sh) + TS test focus + test bridge, foreground.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/services/prosody.sh start
exec npx tsx --conditions=@stagecast/source packages/jitsi/src/testing/testbed-main.ts
