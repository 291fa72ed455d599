#!/usr/bin/env bash
# Throughput and peak memory of `redtrust replay` (issue 3 §6): N records (default 1,000,000)
# against a generated world of 20 roles, 5 clusters and 1,000 database users per cluster.
# Usage: bench/replay_throughput.sh [N] [path/to/redtrust] [--json]
set -euo pipefail
N=${1:-1000000}
BIN=${2:-$(dirname "$0")/../build/bin/redtrust}
EXTRA=${3:-}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
python3 - "$TMP" "$N" <<'PY'
import json, os, sys
d, n = sys.argv[1], int(sys.argv[2])
acct = "123456789012"
roles = []
for i in range(20):
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
             "Principal": {"Service": "redshift.amazonaws.com"}, "Action": "sts:AssumeRole",
             "Condition": {"StringLike": {"sts:ExternalId":
                 f"arn:aws:redshift:us-west-2:{acct}:dbuser:cluster-*/user{i}*"}}}]}
    if i % 2 == 0:
        trust["Statement"][0].pop("Condition")
    roles.append({"arn": f"arn:aws:iam::{acct}:role/Role{i}", "trust_policy": trust,
                  "permission_policies": ["aws-managed:AmazonS3ReadOnlyAccess"]})
clusters = []
for c in range(5):
    sql = [f"CREATE USER user{u} PASSWORD DISABLE;" for u in range(1000)]
    sql.append("REVOKE ASSUMEROLE ON ALL FROM PUBLIC FOR ALL;")
    sql.append("CREATE GROUP loaders;")
    sql.append("ALTER GROUP loaders ADD USER " + ", ".join(f"user{u}" for u in range(0, 1000, 2)) + ";")
    sql.append(f"GRANT ASSUMEROLE ON ALL TO GROUP loaders FOR COPY;")
    open(os.path.join(d, f"setup{c}.sql"), "w").write("\n".join(sql) + "\n")
    clusters.append({"id": f"cluster-{c}", "account": acct, "region": "us-west-2", "kind": "provisioned",
                     "iam_roles": [r["arn"] for r in roles], "default_iam_role": roles[0]["arn"],
                     "database": [f"setup{c}.sql"]})
world = {"accounts": [{"id": acct}], "roles": roles,
         "buckets": [{"name": "data", "account": acct, "region": "us-west-2"}],
         "clusters": clusters}
json.dump(world, open(os.path.join(d, "world.json"), "w"))
with open(os.path.join(d, "log.jsonl"), "w") as out:
    for i in range(n):
        u, c, r = i % 1000, i % 5, i % 20
        sql = (f"COPY t FROM 's3://data/p{i % 7}/' IAM_ROLE 'arn:aws:iam::{acct}:role/Role{r}' "
               "FORMAT AS CSV") if i % 3 else f"UNLOAD ('select 1') TO 's3://data/out/' IAM_ROLE default"
        out.write(json.dumps({"id": f"r{i}", "user": f"user{u}", "cluster": f"cluster-{c}", "sql": sql}) + "\n")
PY
${PERF:-} /usr/bin/time -f "%e %M" -o "$TMP/time" taskset -c 0 "$BIN" replay --world "$TMP" $EXTRA "$TMP/log.jsonl" > "$TMP/out" || true
read -r secs rss_kb < "$TMP/time"
tail -1 "$TMP/out"
python3 -c "import sys; n,s,r=int(sys.argv[1]),float(sys.argv[2]),int(sys.argv[3]); print(f'time: {s:.2f} s on one core -> {n/s:,.0f} records/s; peak RSS {r/1024:.1f} MB')" "$N" "$secs" "$rss_kb"
