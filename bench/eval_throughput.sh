#!/usr/bin/env bash
# Throughput and peak memory of `redtrust eval` on N lines (default 1,000,000), each with an
# inline ~400-byte trust policy (the Redshift guide's ExternalId policy, users varying).
# Usage: bench/eval_throughput.sh [N] [path/to/redtrust]
set -euo pipefail
N=${1:-1000000}
BIN=${2:-$(dirname "$0")/../build/bin/redtrust}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
python3 - "$N" > "$TMP/in.jsonl" <<'PY'
import json, sys
n = int(sys.argv[1])
policy = {"Version": "2012-10-17", "Statement": [{"Sid": "AllowRedshiftUsers", "Effect": "Allow",
  "Principal": {"Service": "redshift.amazonaws.com"}, "Action": "sts:AssumeRole",
  "Condition": {"StringEquals": {"sts:ExternalId": [
    "arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/user1",
    "arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/user2",
    "arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/etl_loader"]}}}]}
p = json.dumps(policy, separators=(",", ":"))
out = sys.stdout
for i in range(n):
    user = ("user1", "user2", "user3", "etl_loader")[i % 4]
    out.write('{"id":"r%d","principal":{"Service":"redshift.us-west-2.amazonaws.com"},'
              '"action":"sts:AssumeRole","resource":"arn:aws:iam::123456789012:role/RedshiftCopyUnload",'
              '"context":{"sts:ExternalId":"arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/%s"},'
              '"resource_policy":%s}\n' % (i, user, p))
PY
echo "input: $N lines, $(($(stat -c %s "$TMP/in.jsonl") / N)) bytes per line"
/usr/bin/time -f "%e %M" -o "$TMP/time" taskset -c 0 "$BIN" eval --now 2026-01-01T00:00:00Z "$TMP/in.jsonl" > "$TMP/out.jsonl"
read -r secs rss_kb < "$TMP/time"
lines=$(wc -l < "$TMP/out.jsonl")
python3 - "$N" "$lines" "$secs" "$rss_kb" <<'PY'
import sys
n, lines, secs, rss = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
print(f"output: {lines} lines")
print(f"time: {secs:.2f} s on one core -> {n / secs:,.0f} lines/s")
print(f"peak RSS: {rss / 1024:.1f} MB")
PY
