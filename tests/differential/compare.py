#!/usr/bin/env python3
"""Runs `redtrust eval` and the peer (iam-simulate via peer.mjs) on the same request lines and
explains every decision that differs.

    compare.py REDTRUST_BINARY CASES.jsonl [--known known_differences.json] [--show N]
               [--report FILE] [--node node]

A difference is ACCEPTED only when an entry of known_differences.json matches it. An entry's
"predicate" is a small declarative matcher (see PREDICATES below); the usual form proves the
difference comes from the documented peer behaviour: it rewrites the request so that the peer's
known deviation cannot matter (for example it adds the caller's regional service name wherever
the trust lists the global one, rule M9), re-runs the peer, and requires that the peer then gives
our decision. Anything else is UNEXPLAINED: the case, both outputs and a hint are printed and the
exit status is 1. Exit status 2 means the run itself failed (missing binary, missing node_modules,
a tool crashed or dropped lines).

PREDICATES (JSON objects; a list is read as {"all": list}):
  {"all": [P, ...]}  {"any": [P, ...]}  {"not": P}
  {"caller": KIND}           KIND: service | regional_service | global_service | iam | session |
                             user | root  (a list means any of them)
  {"ours": [DECISION, ...]}  our decision is one of these
  {"peer": [DECISION, ...]}  the peer's decision is one of these
  {"condition": {"operator": RE, "key": RE, "value": RE, "policy": "trust"|"identity"|"any"}}
                             some condition in the request's policies matches every given regex
                             (operator and key case-insensitively; value: any one value)
  {"context_has": KEY} / {"context_lacks": KEY}   (case-insensitive key; the context as the peer
                             gets it, with the keys peer.mjs derives from the caller)
  {"peer_agrees_after": TRANSFORM}
                             TRANSFORM changes the request, and the peer, run on the rewritten
                             request, gives our decision.
TRANSFORMS (each one neutralises one documented peer deviation; see known_differences.json):
  regional_service_alias   add redshift.R.amazonaws.com beside every redshift.amazonaws.com
                           Service entry when the caller is redshift.R.amazonaws.com (M9)
  epoch_seconds_as_millis  multiply digit-only Date operator values and date context values by
                           1000 and give aws:EpochTime in milliseconds (C8)
  cidr_zero_split          replace an IPv4 "/0" CIDR with 0.0.0.0/1 and 128.0.0.0/1 (C11)
  bare_ip_as_cidr          write a bare address in IpAddress/NotIpAddress as /32 or /128 (C11)
  unresolved_variable_literal
                           in 2012-10-17 policies, replace ${key} without default whose key is
                           absent (from the context and the derived keys) by text that matches
                           nothing (V6)
  forany_ifexists_missing  drop ForAnyValue:...IfExists conditions whose key is absent (C4)
  pre2012_variables_literal
                           in policies whose Version is not 2012-10-17, escape ${ as ${$}{ so
                           that variables stay literal text (V1, G2)
  resolve_arn_operator_variables
                           in Arn* operator values of 2012-10-17 policies, substitute each ${key}
                           (context or derived key, else its default, else text that matches
                           nothing) so that the peer never splits an ARN inside ${aws:Key} (C12)
  role_name_case_exact     make a trust role-ARN principal whose name equals the calling
                           session's role name only when case is ignored not match (M6/M7, open)
When no single entry explains a difference, the smallest set of entries (whose other clauses hold)
whose transforms, applied together, make the peer agree explains it; it is counted as "id1+id2".
"""

import argparse
import copy
import itertools
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime

HERE = os.path.dirname(os.path.abspath(__file__))
DECISIONS = ("allowed", "explicitDeny", "implicitDeny", "error")
UNRESOLVED = "#unresolved-policy-variable#"
REGIONAL_SP = re.compile(r"^([a-z0-9-]+)\.([a-z]{2}(?:-[a-z]+)+-\d+)\.(amazonaws\.com(?:\.cn)?)$")


class RunError(Exception):
    pass


# ---------------------------------------------------------------- running the two evaluators

def read_lines_by_id(text, who, expected_ids):
    out = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
        except json.JSONDecodeError as e:
            raise RunError(f"{who}: output line {n} is not JSON ({e}): {line[:200]}")
        if d.get("decision") not in DECISIONS:
            raise RunError(f"{who}: output line {n} has no valid decision: {line[:200]}")
        out[d.get("id")] = d
    missing = [i for i in expected_ids if i not in out]
    if missing:
        raise RunError(f"{who}: {len(missing)} of {len(expected_ids)} ids missing from the output "
                       f"(first: {missing[:3]})")
    return out


def run_ours(binary, cases_path, expected_ids):
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        raise RunError(f"redtrust binary not found or not executable: {binary} (build it first)")
    t0 = time.monotonic()
    p = subprocess.run([binary, "eval", cases_path], capture_output=True, text=True)
    dt = time.monotonic() - t0
    # Exit status 2 only says some lines got "decision":"error"; a crash (signal) is a failure.
    if p.returncode not in (0, 1, 2) or (p.returncode != 0 and not p.stdout):
        raise RunError(f"`{binary} eval` exited {p.returncode}: {p.stderr[-2000:]}")
    return read_lines_by_id(p.stdout, "redtrust", expected_ids), dt


def peer_env():
    env = dict(os.environ)
    env["TZ"] = "UTC"  # Date.parse reads zone-less ISO times as local time
    return env


def check_peer_installed():
    if not os.path.isdir(os.path.join(HERE, "node_modules", "@cloud-copilot", "iam-simulate")):
        raise RunError("the peer evaluator is not installed: tests/differential/node_modules is missing. "
                       "Run tools/setup (it runs `npm ci` in tests/differential).")


def run_peer(node, lines, expected_ids):
    check_peer_installed()
    t0 = time.monotonic()
    p = subprocess.run([node, os.path.join(HERE, "peer.mjs")], input="".join(lines), capture_output=True,
                       text=True, env=peer_env())
    dt = time.monotonic() - t0
    if p.returncode != 0:
        raise RunError(f"peer.mjs exited {p.returncode}: {p.stderr[-2000:]}")
    return read_lines_by_id(p.stdout, "peer", expected_ids), dt


# ---------------------------------------------------------------- walking policies

def policies_of(req, which="any"):
    """Yields (kind, policy dict) for the trust policy and each identity policy."""
    if which in ("any", "trust") and isinstance(req.get("resource_policy"), dict):
        yield "trust", req["resource_policy"]
    if which in ("any", "identity"):
        for p in req.get("identity_policies") or []:
            if isinstance(p, dict):
                yield "identity", p


def statements_of(policy):
    st = policy.get("Statement")
    if isinstance(st, dict):
        return [st]
    return [s for s in st or [] if isinstance(s, dict)]


def conditions_of(req, which="any"):
    """Yields (kind, policy, statement, operator, key, values-list)."""
    for kind, pol in policies_of(req, which):
        for st in statements_of(pol):
            cond = st.get("Condition")
            if not isinstance(cond, dict):
                continue
            for op, block in cond.items():
                if not isinstance(block, dict):
                    continue
                for key, val in block.items():
                    vals = val if isinstance(val, list) else [val]
                    yield kind, pol, st, op, key, vals


def base_operator(op):
    base = op.split(":", 1)[1] if ":" in op else op
    return base[:-8] if base.endswith("IfExists") else base


def context_keys_lower(req):
    return {k.lower() for k in (req.get("context") or {})}


def caller_kinds(req):
    p = req.get("principal") or {}
    kinds = set()
    if "Service" in p:
        kinds.add("service")
        kinds.add("regional_service" if REGIONAL_SP.match(str(p["Service"])) else "global_service")
    elif "AWS" in p:
        v = str(p["AWS"])
        kinds.add("iam")
        if re.fullmatch(r"\d{12}", v) or v.endswith(":root"):
            kinds.add("root")
        elif ":assumed-role/" in v or ":role/" in v:
            kinds.add("session")
        elif ":user/" in v:
            kinds.add("user")
    return kinds


# ---------------------------------------------------------------- transforms

def map_condition_values(req, fn, which="any"):
    """Rewrites condition values in place: fn(policy, op, key, value) -> new value or list."""
    for kind, pol in policies_of(req, which):
        for st in statements_of(pol):
            cond = st.get("Condition")
            if not isinstance(cond, dict):
                continue
            for op, block in cond.items():
                if not isinstance(block, dict):
                    continue
                for key in list(block):
                    val = block[key]
                    vals = val if isinstance(val, list) else [val]
                    new = []
                    for v in vals:
                        r = fn(pol, op, key, v)
                        new.extend(r if isinstance(r, list) else [r])
                    if new != vals:
                        block[key] = new if (isinstance(val, list) or len(new) != 1) else new[0]


def t_regional_service_alias(req):
    sp = (req.get("principal") or {}).get("Service")
    m = REGIONAL_SP.match(str(sp)) if sp else None
    if not m:
        return
    glob = f"{m.group(1)}.{m.group(3)}"
    pols = [p for _, p in policies_of(req, "trust")]
    for pol in pols:
        for st in statements_of(pol):
            for field in ("Principal", "NotPrincipal"):
                prin = st.get(field)
                if not isinstance(prin, dict) or "Service" not in prin:
                    continue
                vals = prin["Service"] if isinstance(prin["Service"], list) else [prin["Service"]]
                if glob in vals and sp not in vals:
                    prin["Service"] = vals + [sp]


def t_epoch_seconds_as_millis(req):
    def fix(pol, op, key, v):
        if base_operator(op).startswith("Date") and isinstance(v, str) and re.fullmatch(r"\d+", v):
            return str(int(v) * 1000)
        return v
    map_condition_values(req, fix)
    ctx = req.setdefault("context", {})
    for k in list(ctx):
        if k.lower() in ("aws:currenttime", "aws:epochtime", "aws:tokenissuetime") and \
                isinstance(ctx[k], str) and re.fullmatch(r"\d+", ctx[k]):
            ctx[k] = str(int(ctx[k]) * 1000)
    if "aws:epochtime" not in context_keys_lower(req) and isinstance(req.get("now"), str):
        t = datetime.fromisoformat(req["now"].replace("Z", "+00:00"))
        ctx["aws:EpochTime"] = str(int(t.timestamp()) * 1000)


def t_cidr_zero_split(req):
    def fix(pol, op, key, v):
        if base_operator(op) in ("IpAddress", "NotIpAddress") and isinstance(v, str) and \
                re.fullmatch(r"\d{1,3}(\.\d{1,3}){3}/0", v):
            return ["0.0.0.0/1", "128.0.0.0/1"]
        return v
    map_condition_values(req, fix)


def t_bare_ip_as_cidr(req):
    def fix(pol, op, key, v):
        if base_operator(op) in ("IpAddress", "NotIpAddress") and isinstance(v, str) and "/" not in v:
            if re.fullmatch(r"\d{1,3}(\.\d{1,3}){3}", v):
                return v + "/32"
            if ":" in v:
                return v + "/128"
        return v
    map_condition_values(req, fix)


VAR = re.compile(r"\$\{([^}]*)\}")
STRING_OR_ARN = ("String", "Arn")


def t_unresolved_variable_literal(req):
    present = set(effective_context(req))

    def fix(pol, op, key, v):
        if pol.get("Version") != "2012-10-17" or not isinstance(v, str):
            return v
        if not base_operator(op).startswith(STRING_OR_ARN):
            return v

        def sub(m):
            inner = m.group(1)
            if inner in ("*", "?", "$") or ", '" in inner:
                return m.group(0)
            return UNRESOLVED if inner.strip().lower() not in present else m.group(0)
        return VAR.sub(sub, v)
    map_condition_values(req, fix)


def t_role_name_case_exact(req):
    who = str((req.get("principal") or {}).get("AWS", ""))
    m = re.fullmatch(r"arn:([^:]+):sts::(\d{12}):assumed-role/([^/]+)/.+", who)
    if not m:
        return
    part, acct, role = m.groups()
    for _, pol in policies_of(req, "trust"):
        for st in statements_of(pol):
            prin = st.get("Principal")
            if not isinstance(prin, dict) or "AWS" not in prin:
                continue
            vals = prin["AWS"] if isinstance(prin["AWS"], list) else [prin["AWS"]]
            new = []
            for v in vals:
                r = re.fullmatch(r"arn:([^:]+):iam::(\d{12}):role/(?:.*/)?([^/]+)", str(v))
                if r and r.group(1) == part and r.group(2) == acct and r.group(3) != role \
                        and r.group(3).lower() == role.lower():
                    v = f"{v}-case-differs"
                new.append(v)
            if new != vals:
                prin["AWS"] = new if isinstance(prin["AWS"], list) else new[0]


def effective_context(req):
    """The request context as peer.mjs gives it to the peer: the explicit keys, plus the keys AWS
    derives from the caller and the clock when the context lacks them (rule K)."""
    ctx = {k.lower(): v for k, v in (req.get("context") or {}).items()}
    p = req.get("principal") or {}
    derived = {}
    if "Service" in p:
        sp = str(p["Service"])
        m = REGIONAL_SP.match(sp)
        glob = f"{m.group(1)}.{m.group(3)}" if m else sp
        derived = {"aws:principalisawsservice": "true", "aws:principalservicename": glob,
                   "aws:principalservicenameslist": [sp, glob] if m else [sp]}
    elif "AWS" in p:
        v = str(p["AWS"])
        if re.fullmatch(r"\d{12}", v):
            v = f"arn:aws:iam::{v}:root"
        parts = v.split(":", 5)
        if len(parts) == 6 and parts[0] == "arn":
            part, svc, acct, res = parts[1], parts[2], parts[4], parts[5]
            arn = v
            if svc == "sts" and res.startswith("assumed-role/"):
                arn = f"arn:{part}:iam::{acct}:role/{res.split('/')[1]}"
            derived = {"aws:principalarn": arn, "aws:principalaccount": acct,
                       "aws:principalisawsservice": "false"}
    for k, v in derived.items():
        ctx.setdefault(k, v)
    return ctx


def t_resolve_arn_operator_variables(req):
    ctx = effective_context(req)

    def resolve(m):
        inner = m.group(1)
        if inner in ("*", "?", "$"):
            return m.group(0)
        name, default = inner, None
        if ", '" in inner and inner.endswith("'"):
            name, default = inner.split(", '", 1)
            default = default[:-1]
        val = ctx.get(name.strip().lower())
        if isinstance(val, str):
            return val.replace("*", "${*}").replace("?", "${?}")  # substituted text is literal (V7)
        if default is not None:
            return default
        return UNRESOLVED

    def fix(pol, op, key, v):
        if pol.get("Version") != "2012-10-17" or not isinstance(v, str):
            return v
        if not base_operator(op).startswith("Arn"):
            return v
        return VAR.sub(resolve, v)
    map_condition_values(req, fix)


def t_forany_ifexists_missing(req):
    present = set(effective_context(req))
    for _, pol in policies_of(req):
        for st in statements_of(pol):
            cond = st.get("Condition")
            if not isinstance(cond, dict):
                continue
            for op in list(cond):
                if op.startswith("ForAnyValue:") and op.endswith("IfExists") and isinstance(cond[op], dict):
                    for key in list(cond[op]):
                        if key.lower() not in present:
                            del cond[op][key]
                    if not cond[op]:
                        del cond[op]
            if not cond:
                del st["Condition"]


def t_pre2012_variables_literal(req):
    def esc(s):
        return s.replace("${", "${$}{") if isinstance(s, str) else s

    def fix(pol, op, key, v):
        return esc(v) if pol.get("Version") != "2012-10-17" else v
    map_condition_values(req, fix)
    for _, pol in policies_of(req, "identity"):
        if pol.get("Version") == "2012-10-17":
            continue
        for st in statements_of(pol):
            for f in ("Resource", "NotResource"):
                if isinstance(st.get(f), str):
                    st[f] = esc(st[f])
                elif isinstance(st.get(f), list):
                    st[f] = [esc(x) for x in st[f]]


TRANSFORMS = {
    "regional_service_alias": t_regional_service_alias,
    "epoch_seconds_as_millis": t_epoch_seconds_as_millis,
    "cidr_zero_split": t_cidr_zero_split,
    "bare_ip_as_cidr": t_bare_ip_as_cidr,
    "unresolved_variable_literal": t_unresolved_variable_literal,
    "forany_ifexists_missing": t_forany_ifexists_missing,
    "pre2012_variables_literal": t_pre2012_variables_literal,
    "resolve_arn_operator_variables": t_resolve_arn_operator_variables,
    "role_name_case_exact": t_role_name_case_exact,
}


def apply_transforms(req, names):
    out = copy.deepcopy(req)
    for n in names:
        TRANSFORMS[n](out)
    return out


# ---------------------------------------------------------------- predicates

def transforms_in(pred):
    if isinstance(pred, list):
        return [t for p in pred for t in transforms_in(p)]
    if not isinstance(pred, dict):
        return []
    out = []
    for k, v in pred.items():
        if k == "peer_agrees_after":
            out.append(v)
        elif k in ("all", "any"):
            out += transforms_in(v)
        elif k == "not":
            out += transforms_in(v)
    return out


def validate_known(known):
    ids = set()
    for e in known:
        for f in ("id", "reference_rule", "peer_behaviour", "our_behaviour", "why", "predicate"):
            if f not in e:
                raise RunError(f"known_differences.json: entry {e.get('id')} lacks {f}")
        if e["id"] in ids:
            raise RunError(f"known_differences.json: duplicate id {e['id']}")
        ids.add(e["id"])
        for t in transforms_in(e["predicate"]):
            if t not in TRANSFORMS:
                raise RunError(f"known_differences.json: {e['id']}: unknown transform {t}")


class Ctx:
    """What a predicate sees: the request, both outputs, and peer re-runs."""

    def __init__(self, req, ours, peer, rerun):
        self.req, self.ours, self.peer, self.rerun = req, ours, peer, rerun


def evaluate(pred, c, transform_mode="agree"):
    """transform_mode: "agree" (peer_agrees_after must hold) or "ignore" (clause counts as true
    when its transform changes the request; used to pick entries for the combined attempt)."""
    if isinstance(pred, list):
        return all(evaluate(p, c, transform_mode) for p in pred)
    if not isinstance(pred, dict) or len(pred) != 1:
        raise RunError(f"bad predicate {pred!r}: one clause per object")
    (k, v), = pred.items()
    if k == "all":
        return all(evaluate(p, c, transform_mode) for p in v)
    if k == "any":
        return any(evaluate(p, c, transform_mode) for p in v)
    if k == "not":
        return not evaluate(v, c, transform_mode)
    if k == "caller":
        want = set(v if isinstance(v, list) else [v])
        return bool(want & caller_kinds(c.req))
    if k == "ours":
        return c.ours["decision"] in (v if isinstance(v, list) else [v])
    if k == "peer":
        return c.peer["decision"] in (v if isinstance(v, list) else [v])
    if k == "context_has":
        return v.lower() in effective_context(c.req)
    if k == "context_lacks":
        return v.lower() not in effective_context(c.req)
    if k == "condition":
        which = v.get("policy", "any")
        for _, _, _, op, key, vals in conditions_of(c.req, which):
            if "operator" in v and not re.search(v["operator"], op, re.I):
                continue
            if "key" in v and not re.search(v["key"], key, re.I):
                continue
            if "value" in v and not any(re.search(v["value"], json.dumps(x) if not isinstance(x, str) else x)
                                        for x in vals):
                continue
            return True
        return False
    if k == "peer_agrees_after":
        res = c.rerun.get((v,))
        if res is None:  # the transform does not change this request
            return False
        return transform_mode == "ignore" or res == c.ours["decision"]
    raise RunError(f"unknown predicate clause {k!r}")


# ---------------------------------------------------------------- main

def shorten(obj, limit=3000):
    s = json.dumps(obj, separators=(",", ":"))
    return s if len(s) <= limit else s[:limit] + f"... ({len(s)} chars)"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary", help="path to the redtrust binary")
    ap.add_argument("cases", help="request lines (JSON Lines), e.g. from gen_cases.py")
    ap.add_argument("--known", default=os.path.join(HERE, "known_differences.json"))
    ap.add_argument("--show", type=int, default=15, help="unexplained differences to print in full")
    ap.add_argument("--report", help="write every difference and its classification to this JSON file")
    ap.add_argument("--node", default="node")
    args = ap.parse_args()

    try:
        with open(args.known, encoding="utf-8") as f:
            known = json.load(f)["differences"]
        validate_known(known)
        with open(args.cases, encoding="utf-8") as f:
            lines = [l if l.endswith("\n") else l + "\n" for l in f if l.strip()]
        reqs = {}
        for l in lines:
            r = json.loads(l)
            if r.get("id") in reqs:
                raise RunError(f"duplicate case id {r.get('id')}")
            reqs[r["id"]] = r
        ids = list(reqs)
        ours, t_ours = run_ours(args.binary, args.cases, ids)
        peer, t_peer = run_peer(args.node, lines, ids)

        diffs = [i for i in ids if ours[i]["decision"] != peer[i]["decision"]]

        # Re-run the peer on rewritten requests: every transform that changes a differing request,
        # and the union of transforms of the entries whose other clauses hold.
        all_t = sorted({t for e in known for t in transforms_in(e["predicate"])})
        jobs = []  # (case id, transform tuple, request)
        changed = {}
        for i in diffs:
            changed[i] = []
            for t in all_t:
                tr = apply_transforms(reqs[i], [t])
                if tr != reqs[i]:
                    changed[i].append(t)
                    jobs.append((i, (t,), tr))
        rerun = {i: {} for i in diffs}

        def run_jobs(jobs):
            if not jobs:
                return
            jl = []
            for n, (i, ts, tr) in enumerate(jobs):
                tr = dict(tr, id=f"rerun{n}")
                jl.append(json.dumps(tr, separators=(",", ":")) + "\n")
            res, _ = run_peer(args.node, jl, [f"rerun{n}" for n in range(len(jobs))])
            for n, (i, ts, _) in enumerate(jobs):
                rerun[i][ts] = res[f"rerun{n}"]["decision"]

        run_jobs(jobs)

        # A difference may need several entries at once. Every subset (of two or more) of the
        # entries whose other clauses hold is tried in one batch; the smallest subset with which
        # the peer gives our decision explains the difference.
        explained, combo_jobs, combos = {}, [], {}
        for i in diffs:
            c = Ctx(reqs[i], ours[i], peer[i], rerun[i])
            for e in known:
                if evaluate(e["predicate"], c):
                    explained[i] = e["id"]
                    break
            else:
                cands = [e for e in known if evaluate(e["predicate"], c, "ignore")
                         and transforms_in(e["predicate"])][:6]
                combos[i] = []
                for size in range(2, len(cands) + 1):
                    for sub in itertools.combinations(cands, size):
                        ts = tuple(sorted({t for e in sub for t in transforms_in(e["predicate"])}))
                        combos[i].append(([e["id"] for e in sub], ts))
                        if ts not in rerun[i] and all(ts != j[1] for j in combo_jobs if j[0] == i):
                            combo_jobs.append((i, ts, apply_transforms(reqs[i], list(ts))))
        run_jobs(combo_jobs)
        for i, subs in combos.items():
            for eids, ts in subs:  # smallest subsets first
                if rerun[i].get(ts) == ours[i]["decision"]:
                    explained[i] = "+".join(eids)
                    break
    except RunError as e:
        print(f"differential: FAILED TO RUN: {e}", file=sys.stderr)
        return 2

    unexplained = [i for i in diffs if i not in explained]
    counts = {}
    for i in diffs:
        if i in explained:
            counts[explained[i]] = counts.get(explained[i], 0) + 1

    dist_ours = Counter(ours[i]["decision"] for i in ids)
    dist_peer = Counter(peer[i]["decision"] for i in ids)

    for n, i in enumerate(unexplained[: args.show]):
        print(f"---- UNEXPLAINED difference {n + 1}/{len(unexplained)}: case {i}")
        print(f"  ours: {shorten(ours[i], 1500)}")
        print(f"  peer: {shorten(peer[i], 1500)}")
        print(f"  case: {shorten(reqs[i])}")
        tried = ", ".join(f"{'+'.join(ts)} -> {d}" for ts, d in rerun[i].items()) or "none changed the request"
        print(f"  peer after known-difference rewrites: {tried}")
        print("  hint: decide with docs/semantics.md which side is right. If the peer deviates "
              "from the rules, add an entry to known_differences.json whose predicate proves it; "
              "if redtrust deviates, fix the engine (do not list it as a known difference).")
    if len(unexplained) > args.show:
        print(f"---- ({len(unexplained) - args.show} more unexplained differences not shown; --show N)")

    if args.report:
        with open(args.report, "w", encoding="utf-8") as f:
            json.dump({"cases": len(ids), "agree": len(ids) - len(diffs),
                       "differences": [{"id": i, "ours": ours[i], "peer": peer[i],
                                        "explained_by": explained.get(i), "reruns": {
                                            "+".join(k): v for k, v in rerun[i].items()},
                                        "case": reqs[i]} for i in diffs]}, f, indent=1)

    print(f"differential: {len(ids)} cases; redtrust {len(ids) / max(t_ours, 1e-9):.0f} lines/s, "
          f"peer {len(ids) / max(t_peer, 1e-9):.0f} lines/s")
    print("  decisions (redtrust): " + ", ".join(f"{k} {dist_ours[k]}" for k in DECISIONS if dist_ours[k]))
    print("  decisions (peer):     " + ", ".join(f"{k} {dist_peer[k]}" for k in DECISIONS if dist_peer[k]))
    print(f"  agree {len(ids) - len(diffs)}, differ {len(diffs)}")
    for e in known:
        print(f"  known difference {e['id']} ({e['reference_rule']}): {counts.pop(e['id'], 0)}")
    for k, v in sorted(counts.items()):
        print(f"  known differences combined {k}: {v}")
    print(f"  unexplained {len(unexplained)}")
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
