#!/usr/bin/env bash
# Throughput of `redtrust eval` versus the peer evaluator (@cloud-copilot/iam-simulate, run by
# tests/differential/peer.mjs) on the same request lines.
#   bench/peer_ratio.sh [N] [REDTRUST_BINARY]      N defaults to 100000, the binary to build/bin/redtrust
# Each line carries its own ~400-byte trust policy (the Redshift guide's ExternalId policy, with the
# allowed database users varying from line to line) and a Redshift caller (redshift.amazonaws.com)
# whose dbuser ARN is allowed on half of the lines. Prints lines/s of each side and the ratio.
# Needs tools/setup (npm ci in tests/differential).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
N="${1:-100000}"
BIN="${2:-$ROOT/build/bin/redtrust}"
PEER="$ROOT/tests/differential/peer.mjs"

[ -x "$BIN" ] || { echo "peer_ratio: redtrust binary not found: $BIN (build it first)" >&2; exit 1; }
[ -d "$ROOT/tests/differential/node_modules/@cloud-copilot/iam-simulate" ] ||
  { echo "peer_ratio: the peer is not installed; run tools/setup" >&2; exit 1; }

TMP="$(mktemp -d "${TMPDIR:-/tmp}/redtrust-peer-ratio.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

python3 - "$N" "$TMP/lines.jsonl" <<'PY'
import json, sys
n, path = int(sys.argv[1]), sys.argv[2]
regions = ["us-west-2", "us-east-1", "eu-west-1"]
with open(path, "w") as f:
    for i in range(n):
        region = regions[i % 3]
        k = i % 997
        dbuser = lambda u: f"arn:aws:redshift:{region}:123456789012:dbuser:my-cluster/{u}"
        policy = {"Version": "2012-10-17", "Statement": [{
            "Sid": "AllowRedshiftCopy", "Effect": "Allow",
            "Principal": {"Service": "redshift.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": [
                dbuser(f"user{k}"), dbuser(f"user{k + 1}"), dbuser(f"etl_user{k}")]}}}]}
        user = f"user{k}" if i % 2 == 0 else f"user{k + 2}"
        # The global caller name, so that both sides do the same work (the peer cannot match a
        # regional caller against redshift.amazonaws.com, rule M9, and would skip the conditions).
        line = {"id": f"b{i}", "principal": {"Service": "redshift.amazonaws.com"},
                "action": "sts:AssumeRole", "resource": "arn:aws:iam::123456789012:role/RedshiftCopyRole",
                "resource_policy": policy, "resource_account": "123456789012",
                "context": {"sts:ExternalId": dbuser(user)}, "now": "2026-01-01T00:00:00Z"}
        f.write(json.dumps(line, separators=(",", ":")) + "\n")
PY
policy_bytes=$(head -1 "$TMP/lines.jsonl" | python3 -c 'import json,sys; print(len(json.dumps(json.loads(sys.stdin.readline())["resource_policy"], separators=(",", ":"))))')

now() { date +%s.%N; }
t0=$(now); "$BIN" eval "$TMP/lines.jsonl" > "$TMP/ours.jsonl" || [ $? -eq 1 ]; t1=$(now)
TZ=UTC node "$PEER" "$TMP/lines.jsonl" > "$TMP/peer.jsonl"; t2=$(now)

python3 - "$N" "$t0" "$t1" "$t2" "$TMP/ours.jsonl" "$TMP/peer.jsonl" "$policy_bytes" <<'PY'
import json, sys
n, t0, t1, t2 = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
ours = [json.loads(l)["decision"] for l in open(sys.argv[5]) if l.strip()]
peer = [json.loads(l)["decision"] for l in open(sys.argv[6]) if l.strip()]
if len(ours) != n or len(peer) != n:
    sys.exit(f"peer_ratio: expected {n} output lines, got redtrust {len(ours)}, peer {len(peer)}")
agree = sum(a == b for a, b in zip(ours, peer))
ro, rp = n / (t1 - t0), n / (t2 - t1)
print(f"peer_ratio: {n} lines, trust policy {sys.argv[7]} bytes each; decisions agree on {agree}/{n}, "
      f"allowed {ours.count('allowed')}")
print(f"  redtrust eval  {t1 - t0:8.2f} s  {ro:12.0f} lines/s")
print(f"  iam-simulate   {t2 - t1:8.2f} s  {rp:12.0f} lines/s")
print(f"  ratio          {ro / rp:8.1f} x")
PY
