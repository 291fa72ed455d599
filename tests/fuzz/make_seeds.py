#!/usr/bin/env python3
"""Seed corpora for the fuzz targets, generated from fixtures/ (docs/hardening.md).

    tests/fuzz/make_seeds.py OUTDIR

writes OUTDIR/<target>/<n> for every target: policy, condition, sql, world, eval_line (and
http, sigv4 once the server's targets exist). The input format of each target is described in
tests/fuzz/<target>_fuzz.h. Deterministic: the same fixtures give the same files.
"""
import hashlib
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIX = os.path.join(ROOT, "fixtures")


def read(path):
    with open(path, "rb") as f:
        return f.read()


def files_under(top, suffix):
    out = []
    for dirpath, _, names in os.walk(top):
        for n in sorted(names):
            if n.endswith(suffix):
                out.append(os.path.join(dirpath, n))
    return sorted(out)


class Corpus:
    def __init__(self, outdir):
        self.outdir = outdir
        self.count = {}

    def add(self, target, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        d = os.path.join(self.outdir, target)
        os.makedirs(d, exist_ok=True)
        name = hashlib.sha1(data).hexdigest()[:16]
        path = os.path.join(d, name)
        if not os.path.exists(path):
            with open(path, "wb") as f:
                f.write(data)
            self.count[target] = self.count.get(target, 0) + 1


def conformance_requests():
    for path in files_under(os.path.join(FIX, "conformance"), ".json"):
        doc = json.loads(read(path))
        for case in doc.get("cases", []):
            req = case.get("request")
            if isinstance(req, dict):
                yield req


def request_lines(req):
    """The policy target's request format (policy_fuzz.h)."""
    lines = []
    p = req.get("principal")
    if isinstance(p, dict) and len(p) == 1:
        (t, v), = p.items()
        if isinstance(v, str):
            lines.append("P %s %s" % (t, v))
    for tag, field in (("A", "action"), ("R", "resource"), ("T", "now")):
        if isinstance(req.get(field), str):
            lines.append("%s %s" % (tag, req[field]))
    ctx = req.get("context")
    if isinstance(ctx, dict):
        for k, v in ctx.items():
            for item in v if isinstance(v, list) else [v]:
                lines.append("C %s=%s" % (k, json.dumps(item) if not isinstance(item, str) else item))
    return "\n".join(lines)


def scalar_text(v):
    if isinstance(v, str):
        return v
    return json.dumps(v)


def condition_seeds(policy, context):
    """(op, key, flags, policy values, request values) from a policy's Condition blocks."""
    statements = policy.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list):
        return
    version = policy.get("Version") == "2012-10-17"
    context = context if isinstance(context, dict) else {}
    lower = {k.lower(): v for k, v in context.items()}
    for st in statements:
        cond = st.get("Condition") if isinstance(st, dict) else None
        if not isinstance(cond, dict):
            continue
        for op, block in cond.items():
            if not isinstance(block, dict):
                continue
            for key, values in block.items():
                pv = values if isinstance(values, list) else [values]
                rv = lower.get(key.lower())
                flags = "v" if version else ""
                if rv is None:
                    flags += "x"
                    rvs = []
                elif isinstance(rv, list):
                    flags += "m"
                    rvs = rv
                else:
                    rvs = [rv]
                text = "\n".join([op, key, flags] + [scalar_text(v) for v in pv] + [""] +
                                 [scalar_text(v) for v in rvs])
                if "\n" not in "".join(scalar_text(v) for v in pv + rvs):
                    yield text


def world_seed(world_dir):
    world_text = read(os.path.join(world_dir, "world.json")).decode()
    parts = ["=== world.json\n" + world_text]
    names = []
    for path in files_under(world_dir, ""):
        rel = os.path.relpath(path, world_dir)
        if rel == "world.json" or rel.startswith("expected") or rel.startswith("log."):
            continue
        if rel.endswith(".json") or rel.endswith(".sql"):
            names.append(rel)
    # Files the world names outside its directory ("../scenarios/policies/x.json").
    for name in sorted(set(re.findall(r'"(\.\./[^"]+\.(?:json|sql))"', world_text))):
        if os.path.isfile(os.path.join(world_dir, name)):
            names.append(name)
    for rel in names:
        parts.append("=== %s\n%s" % (rel, read(os.path.join(world_dir, rel)).decode()))
    return "".join(p if p.endswith("\n") else p + "\n" for p in parts)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_seeds.py OUTDIR")
    c = Corpus(sys.argv[1])

    # ---- policy + request, condition, eval_line: from the conformance requests.
    policies = []
    for req in conformance_requests():
        rp = req.get("resource_policy")
        reqtext = request_lines(req)
        for pol in ([rp] if isinstance(rp, dict) else []) + [
                p for p in req.get("identity_policies", []) if isinstance(p, dict)]:
            policies.append(pol)
            c.add("policy", json.dumps(pol, indent=2) + "\0" + reqtext)
            for seed in condition_seeds(pol, req.get("context")):
                c.add("condition", seed)
        c.add("eval_line", json.dumps(req, separators=(",", ":")))
    for path in (files_under(os.path.join(FIX, "redshift-guide"), ".json") +
                 files_under(os.path.join(FIX, "worlds"), ".json") +
                 files_under(os.path.join(ROOT, "sim", "model", "managed"), ".json")):
        if os.path.basename(path) == "world.json":
            continue
        text = read(path)
        c.add("policy", text)
        try:
            for seed in condition_seeds(json.loads(text), {}):
                c.add("condition", seed)
        except ValueError:
            pass

    # eval_line: the guide's request file, a few lines per seed (cache hits), and the suites.
    lines = read(os.path.join(FIX, "redshift-guide", "requests.jsonl")).decode().splitlines()
    for i in range(0, len(lines), 4):
        c.add("eval_line", "\n".join(lines[i:i + 4]))
    for path in files_under(os.path.join(FIX, "suites"), ".json"):
        for case in json.loads(read(path)).get("cases", []):
            if isinstance(case.get("eval"), dict):
                c.add("eval_line", json.dumps(case["eval"], separators=(",", ":")))

    # ---- sql: scripts, log statements, suite statements.
    for path in files_under(os.path.join(FIX, "worlds"), ".sql"):
        c.add("sql", read(path))
    for path in files_under(os.path.join(FIX, "worlds"), ".jsonl"):
        for line in read(path).decode().splitlines():
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if isinstance(rec, dict) and isinstance(rec.get("sql"), str):
                c.add("sql", rec["sql"])
    for path in files_under(os.path.join(FIX, "suites"), ".json"):
        for case in json.loads(read(path)).get("cases", []):
            if isinstance(case.get("sql"), dict) and isinstance(case["sql"].get("sql"), str):
                c.add("sql", case["sql"]["sql"])

    # ---- world: every world directory with the files it names.
    for dirpath, _, names in os.walk(os.path.join(FIX, "worlds")):
        if "world.json" in names:
            c.add("world", world_seed(dirpath))

    # ---- regressions found earlier are seeds too.
    reg = os.path.join(FIX, "fuzz-regressions")
    if os.path.isdir(reg):
        for target in sorted(os.listdir(reg)):
            for path in files_under(os.path.join(reg, target), ""):
                c.add(target, read(path))

    # ---- the server's targets (issue 5): the routes' bodies from the same fixtures.
    def http(head, body=""):
        return head + "\n\n" + body
    json_head = "POST /v1/eval\nContent-Type: application/json"
    for path in sorted(os.listdir(os.path.join(c.outdir, "eval_line")))[:150]:
        text = read(os.path.join(c.outdir, "eval_line", path)).decode("utf-8", "replace")
        first = text.split("\n")[0]
        c.add("http", http(json_head, first))
        if "\n" in text:
            c.add("http", http(json_head, "[" + ",".join(l for l in text.split("\n") if l) + "]"))
    guide = os.path.join(FIX, "redshift-guide")
    for name in ("trust-externalid.json", "trust-plain.json", "trust-regional.json"):
        policy = read(os.path.join(guide, name)).decode()
        for user in ("user1", "user3"):
            body = {"trust_policy": policy, "trust_policy_name": name, "user": user,
                    "cluster": "my-cluster", "region": "us-west-2", "account": "123456789012"}
            c.add("http", http("POST /v1/can\nContent-Type: application/json", json.dumps(body)))
        c.add("http", http("POST /v1/lint\nContent-Type: application/json",
                           json.dumps({"policy": policy, "name": name})))
        c.add("http", http("POST /v1/lint\nContent-Type: application/json",
                           json.dumps({"policy": json.loads(policy), "kind": "identity"})))
    for role in ("RedshiftCopyUnload", "RedshiftCopyUnloadExternalId", "arn:aws:iam::123456789012:role/RedshiftCopyUnloadRegional"):
        c.add("http", http("POST /v1/can\nContent-Type: application/json",
                           json.dumps({"user": "user3", "cluster": "my-cluster", "role": role, "for": "copy"})))
    log = read(os.path.join(FIX, "worlds", "redshift-guide", "log.jsonl")).decode()
    c.add("http", http("POST /v1/replay\nContent-Type: application/x-ndjson", log))
    c.add("http", http("POST /v1/replay\nContent-Type: application/json",
                       "[" + ",".join(l for l in log.splitlines() if l) + "]"))
    c.add("http", http("POST /v1/replay?source=load.sql\nContent-Type: application/sql",
                       "-- redtrust: user=user1 cluster=my-cluster\n" +
                       "COPY t FROM 's3://redshift-guide-data/tickit/venue_pipe.txt' IAM_ROLE default;"))
    for target in ("GET /healthz", "GET /metrics", "GET /v1/eval", "DELETE /v1/can", "GET /nope"):
        c.add("http", http(target))
    form = "POST /\nContent-Type: application/x-www-form-urlencoded; charset=utf-8"
    aws_bodies = [
        ("sts eu-west-1 AKIAALICE00000000001",
         "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2FAnalyst&RoleSessionName=s1"),
        ("sts eu-west-1 AKIAALICE00000000001",
         "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2FExternalIdRole&RoleSessionName=s2&ExternalId=partner-1&DurationSeconds=900"),
        ("sts eu-west-1 AKIABOB0000000000001",
         "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A444455556666%3Arole%2FPartnerReader&RoleSessionName=s3&Tags.member.1.Key=team&Tags.member.1.Value=data"),
        ("iam us-east-1 AKIAALICE00000000001",
         "Action=SimulateCustomPolicy&Version=2010-05-08&ActionNames.member.1=s3%3AGetObject&PolicyInputList.member.1=%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3A*%22%2C%22Resource%22%3A%22*%22%7D%5D%7D"),
        ("iam us-east-1 AKIAALICE00000000001",
         "Action=SimulatePrincipalPolicy&Version=2010-05-08&PolicySourceArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Auser%2Falice&ActionNames.member.1=sts%3AAssumeRole"),
    ]
    for sign, body in aws_bodies:
        c.add("http", http(form + "\nX-Fuzz-Sign: " + sign, body))
        c.add("http", http(form, body))  # unsigned: never 200
        c.add("sigv4", http(form, body))
        c.add("sigv4", http(form + "\nX-Fuzz-Secret: alice/Secret", body))
    c.add("sigv4", http("GET /?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256"
                        "&X-Amz-Credential=AKIAFUZZ%2F20260101%2Fus-east-1%2Fsts%2Faws4_request"
                        "&X-Amz-Date=20260101T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=00"))
    c.add("sigv4", http(form + "\nX-Amz-Date: 20260101T000000Z\nAuthorization: AWS4-HMAC-SHA256 "
                        "Credential=AKIAFUZZ/20260101/us-east-1/sts/aws4_request, "
                        "SignedHeaders=content-type;host;x-amz-date, Signature=" + "ab" * 32,
                        "Action=GetCallerIdentity"))
    c.add("sigv4", http("GET /a%20b/../c//d?b=2&a=1&a=0&empty=&enc=%2F%7E\nX-Custom:   spaced   value  ", ""))

    for target in sorted(c.count):
        print("seeds: %-10s %4d" % (target, c.count[target]))


if __name__ == "__main__":
    main()
