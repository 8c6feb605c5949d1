#!/usr/bin/env bash
# THE test command (README, .ci/run): installs what the tests need, then runs every stage and reports all of them:
#   lint → typecheck → unit → integration (real services) → e2e (Playwright + Debian Chromium)
# Each stage runs even if an earlier one failed. The last line is "N passed, N failed[, N skipped]" over all tests.
# Exit status is non-zero if any stage failed or if no test ran.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
set +e # stages report their own status; we keep going
cd "$STAGECAST_ROOT"

export CI="${CI:-}" NEXT_TELEMETRY_DISABLED=1 FORCE_COLOR="${FORCE_COLOR:-0}"
results_dir="$STAGECAST_STATE/test-results"
mkdir -p "$results_dir"
rm -f "$results_dir"/*.json e2e/.artifacts/results.json

total_start=$SECONDS
stage_names=()
stage_status=()
stage_seconds=()

# run_stage <name> <timeout-seconds> <command...>
run_stage() {
  local name="$1" limit="$2"
  shift 2
  log "── stage: $name ──"
  local start=$SECONDS rc
  timeout --kill-after=30 "$limit" "$@"
  rc=$?
  [[ $rc -eq 124 || $rc -eq 137 ]] && warn "stage $name hit its ${limit}s time limit"
  stage_names+=("$name")
  stage_status+=("$rc")
  stage_seconds+=($((SECONDS - start)))
  return 0
}

# Services: every executable scripts/services/*.sh; we stop only the ones this run started.
started_services=()
stop_services() {
  local i
  for ((i = ${#started_services[@]} - 1; i >= 0; i--)); do
    "${started_services[$i]}" stop >/dev/null 2>&1 || warn "could not stop $(basename "${started_services[$i]}")"
  done
  started_services=()
}
trap stop_services EXIT
trap 'stop_services; exit 130' INT TERM

start_services() {
  local svc ok_all=0
  while read -r svc; do
    [[ -n "$svc" ]] || continue
    if "$svc" status >/dev/null 2>&1; then
      log "service $(basename "$svc" .sh) already running"
      continue
    fi
    if "$svc" start; then
      started_services+=("$svc")
    else
      warn "service $(basename "$svc" .sh) failed to start; its integration tests will fail"
      ok_all=1
    fi
  done < <(service_scripts)
  return $ok_all
}

# ── setup ──
boot_start=$SECONDS
if ! bash scripts/bootstrap.sh --test; then
  die "bootstrap failed; no tests were run" "fix the problem reported above and rerun 'bash scripts/test.sh'"
fi
stage_names+=(bootstrap) stage_status+=(0) stage_seconds+=($((SECONDS - boot_start)))

export DATABASE_URL="$STAGECAST_TEST_DATABASE_URL"

run_stage lint 900 npm run --silent lint
run_stage typecheck 1200 npm run --silent typecheck -- --continue --output-logs=errors-only
run_stage unit 1200 env VITEST_JSON="$results_dir/unit.json" npx vitest run --project unit
svc_start=$SECONDS
start_services
stage_names+=(services) stage_status+=($?) stage_seconds+=($((SECONDS - svc_start)))
run_stage integration 2400 env VITEST_JSON="$results_dir/integration.json" npx vitest run --project integration
run_stage e2e 1800 npm run --silent test:e2e
[[ -f e2e/.artifacts/results.json ]] && cp e2e/.artifacts/results.json "$results_dir/e2e.json"
stop_services

# ── summary ──
declare -A json_for=([unit]="$results_dir/unit.json" [integration]="$results_dir/integration.json" [e2e]="$results_dir/e2e.json")
declare -A counts_for=()
while IFS=$'\t' read -r file p f s; do
  for stage in "${!json_for[@]}"; do
    [[ "${json_for[$stage]}" == "$file" ]] && counts_for[$stage]="$p $f $s"
  done
  if [[ "$file" == TOTAL ]]; then total_passed=$p total_failed=$f total_skipped=$s; fi
done < <(node scripts/summarize-results.mjs "${json_for[unit]}" "${json_for[integration]}" "${json_for[e2e]}")

failed_stages=0
echo
printf '%-12s %-7s %8s %8s %8s %8s\n' stage status seconds passed failed skipped
printf '%-12s %-7s %8s %8s %8s %8s\n' ------------ ------- -------- -------- -------- --------
for i in "${!stage_names[@]}"; do
  name="${stage_names[$i]}" rc="${stage_status[$i]}"
  status=ok
  [[ "$rc" -ne 0 ]] && status=FAILED && failed_stages=$((failed_stages + 1))
  read -r p f s <<<"${counts_for[$name]:-- - -}"
  if [[ -n "${json_for[$name]:-}" && "$p" == missing ]]; then p='-' f='-' s='-'; fi
  if [[ -n "${json_for[$name]:-}" && -z "${counts_for[$name]:-}" ]]; then
    status="$status (no report)"
  fi
  printf '%-12s %-7s %8s %8s %8s %8s\n' "$name" "$status" "${stage_seconds[$i]}" "$p" "$f" "$s"
done
echo "total wall time: $((SECONDS - total_start)) s"

total_passed=${total_passed:-0} total_failed=${total_failed:-0} total_skipped=${total_skipped:-0}
# A failed stage without failed tests (lint, typecheck, a crashed runner) still counts, so the line never reads
# "0 failed" for a failing run.
if [[ $failed_stages -gt 0 && $total_failed -eq 0 ]]; then total_failed=$failed_stages; fi
exit_code=0
if [[ $failed_stages -gt 0 || $total_failed -gt 0 ]]; then exit_code=1; fi
if [[ $((total_passed + total_failed)) -eq 0 ]]; then
  warn "no tests ran"
  exit_code=1
fi
line="$total_passed passed, $total_failed failed"
[[ $total_skipped -gt 0 ]] && line="$line, $total_skipped skipped"
echo "$line"
exit $exit_code
