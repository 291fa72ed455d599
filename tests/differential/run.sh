#!/usr/bin/env bash
# CTest entry `differential.iam_simulate`: compares `redtrust eval` with the peer evaluator
# @cloud-copilot/iam-simulate (run by peer.mjs as a separate node program) on generated cases.
#   tests/differential/run.sh BUILD/bin/redtrust [COUNT] [SEED]
# Fails (does not skip) when the peer is not installed: run tools/setup, which runs `npm ci` here.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
BIN="${1:?usage: run.sh PATH/TO/redtrust [COUNT] [SEED]}"
COUNT="${2:-${DIFFERENTIAL_COUNT:-3000}}"
SEED="${3:-${DIFFERENTIAL_SEED:-20260101}}"

if ! command -v node >/dev/null 2>&1; then
  echo "differential: FAILED: node is not installed. Run tools/setup." >&2
  exit 1
fi
if [ ! -d "$HERE/node_modules/@cloud-copilot/iam-simulate" ]; then
  echo "differential: FAILED: the peer evaluator is not installed ($HERE/node_modules is missing)." >&2
  echo "differential: run tools/setup (it runs \`npm ci\` in tests/differential) and re-run the test." >&2
  exit 1
fi
if [ ! -x "$BIN" ]; then
  echo "differential: FAILED: redtrust binary not found: $BIN (build it first)." >&2
  exit 1
fi

TMP="$(mktemp -d "${TMPDIR:-/tmp}/redtrust-differential.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
python3 "$HERE/gen_cases.py" --seed "$SEED" --count "$COUNT" --out "$TMP/cases.jsonl"
echo "differential: $COUNT cases, seed $SEED"
rc=0
python3 "$HERE/compare.py" "$BIN" "$TMP/cases.jsonl" --report "$TMP/report.json" || rc=$?
if [ "$rc" -ne 0 ] && [ -n "${DIFFERENTIAL_KEEP:-}" ]; then
  mkdir -p "$DIFFERENTIAL_KEEP" && cp "$TMP"/cases.jsonl "$TMP"/report.json "$DIFFERENTIAL_KEEP"/ 2>/dev/null || true
  echo "differential: cases and report kept in $DIFFERENTIAL_KEEP" >&2
fi
exit "$rc"
