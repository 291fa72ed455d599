#!/usr/bin/env python3
"""Generates random, syntactically valid `redtrust eval` request lines for differential testing.

    gen_cases.py [--seed N] [--count N] [--out FILE]

Deterministic for a given --seed and --count (Python's random.Random; stdlib only). Every line is
one sts:AssumeRole request over a small universe, so that policies and callers collide often:

    accounts  123456789012 (the role's usual account), 210987654321
    regions   us-west-2, us-east-1, eu-west-1
    db users  user1, user2, user3, User1     clusters  my-cluster, other
    roles     RedshiftCopyRole, ChainRole (targets); RoleA, RoleB (callers)

Callers are either Redshift (principal {"Service": "redshift.<region>.amazonaws.com"} or the global
name, sts:ExternalId = the dbuser ARN arn:aws:redshift:<region>:<acct>:dbuser:<cluster>/<user>,
optional aws:SourceAccount / aws:SourceArn ...) or IAM principals (role sessions, users, root;
same or cross account) with identity policies. Trust policies mix Allow/Deny statements, Service /
AWS / "*" principals, Action / NotAction with wildcards, and conditions over the keys below with
String*, Arn*, Bool, Null, IpAddress, Date*, Numeric* operators, IfExists, ForAnyValue: /
ForAllValues:, and policy variables (with and without defaults).

Every policy stays valid per the grammar rules G1-G14 (docs/semantics.md): no Resource in trust
policies, unique alphanumeric Sids, exact operator names, IfExists never on Null, string values
only (plus a few JSON booleans for Bool, rule G11), trust policy under 2,048 non-blank characters.
Context keys are given only with values consistent with the caller, and only keys iam-simulate
knows for sts:AssumeRole (it drops unknown keys); only multivalued keys (ArrayOf*) get arrays.
"""

import argparse
import json
import random
import sys

ACCOUNTS = ["123456789012", "210987654321"]
HOME = ACCOUNTS[0]
REGIONS = ["us-west-2", "us-east-1", "eu-west-1"]
USERS = ["user1", "user2", "user3", "User1"]
CLUSTERS = ["my-cluster", "other"]
TARGET_ROLES = ["RedshiftCopyRole", "ChainRole"]
CALLER_ROLES = ["RoleA", "RoleB"]
IAM_USERS = ["alice", "bob", "Alice"]
NOWS = ["2026-01-01T00:00:00Z", "2024-06-15T12:30:00Z"]
EPOCH = {"2026-01-01T00:00:00Z": 1767225600, "2024-06-15T12:30:00Z": 1718454600}
SOURCE_IPS = ["10.1.2.3", "192.0.2.10", "203.0.113.7", "0.0.0.0", "2001:db8::5", "2001:db8::5"]

GLOBAL_SP = "redshift.amazonaws.com"
MAX_TRUST_CHARS = 2000  # the 2,048 default quota minus headroom (rule G14 counts non-blank chars)


def regional_sp(region):
    return f"redshift.{region}.amazonaws.com"


def dbuser_arn(region, acct, cluster, user):
    return f"arn:aws:redshift:{region}:{acct}:dbuser:{cluster}/{user}"


def cluster_arn(region, acct, cluster):
    return f"arn:aws:redshift:{region}:{acct}:cluster:{cluster}"


def role_arn(acct, name, path=""):
    return f"arn:aws:iam::{acct}:role/{path}{name}"


def user_arn(acct, name):
    return f"arn:aws:iam::{acct}:user/{name}"


def root_arn(acct):
    return f"arn:aws:iam::{acct}:root"


def session_arn(acct, role, session):
    return f"arn:aws:sts::{acct}:assumed-role/{role}/{session}"


def nonblank_len(doc):
    """Policy size as the quota counts it: JSON text without insignificant white space."""
    return len(json.dumps(doc, separators=(",", ":")))


class Gen:
    def __init__(self, rng):
        self.r = rng

    # ---- small helpers
    def pick(self, seq):
        return self.r.choice(seq)

    def chance(self, p):
        return self.r.random() < p

    def some(self, seq, lo=1, hi=3):
        n = self.r.randint(lo, min(hi, len(seq)))
        return self.r.sample(list(seq), n)

    def one_or_list(self, values):
        """A single value is written as a scalar or a one-element list; several as a list."""
        values = list(dict.fromkeys(values))
        if len(values) == 1 and self.chance(0.6):
            return values[0]
        return values

    # ---- callers
    def make_caller(self):
        """Returns (principal, caller dict with facts used to build context and policies)."""
        if self.chance(0.5):
            region = self.pick(REGIONS)
            acct = HOME if self.chance(0.8) else ACCOUNTS[1]
            cluster = self.pick(CLUSTERS)
            user = self.pick(USERS)
            sp = regional_sp(region) if self.chance(0.8) else GLOBAL_SP
            return {"Service": sp}, {
                "kind": "service", "sp": sp, "region": region, "acct": acct,
                "cluster": cluster, "user": user,
                "external_id": dbuser_arn(region, acct, cluster, user),
            }
        acct = HOME if self.chance(0.55) else ACCOUNTS[1]
        k = self.r.random()
        if k < 0.55:
            role = self.pick(CALLER_ROLES)
            path = "service-role/" if self.chance(0.05) else ""
            sess = self.pick(["copy-session", "s1", "redshift"])
            arn = session_arn(acct, role, sess)
            return {"AWS": arn}, {"kind": "session", "acct": acct, "role": role, "path": path,
                                  "arn": arn, "principal_arn": role_arn(acct, role, path)}
        if k < 0.9:
            name = self.pick(IAM_USERS)
            arn = user_arn(acct, name)
            return {"AWS": arn}, {"kind": "user", "acct": acct, "name": name, "arn": arn,
                                  "principal_arn": arn}
        arn = root_arn(acct)
        principal = {"AWS": acct} if self.chance(0.5) else {"AWS": arn}
        return principal, {"kind": "root", "acct": acct, "arn": arn, "principal_arn": arn}

    def make_context(self, c, now):
        ctx = {}
        if c["kind"] == "service":
            ctx["sts:ExternalId"] = c["external_id"]
            if self.chance(0.5):
                ctx["aws:SourceAccount"] = c["acct"]
            if self.chance(0.35):
                ctx["aws:SourceArn"] = cluster_arn(c["region"], c["acct"], c["cluster"])
            if self.chance(0.3):
                ctx["aws:PrincipalServiceName"] = GLOBAL_SP
            if self.chance(0.25):
                ctx["aws:PrincipalServiceNamesList"] = [GLOBAL_SP, regional_sp(c["region"])]
            if self.chance(0.3):
                ctx["aws:PrincipalIsAWSService"] = "true"
            if self.chance(0.3):
                ctx["aws:RequestedRegion"] = c["region"]
            if self.chance(0.15):
                ctx["aws:SourceIp"] = self.pick(SOURCE_IPS)
        else:
            if self.chance(0.45):
                region, acct = self.pick(REGIONS), self.pick(ACCOUNTS)
                ctx["sts:ExternalId"] = (dbuser_arn(region, acct, self.pick(CLUSTERS), self.pick(USERS))
                                         if self.chance(0.7) else self.pick(["ext-1234", "Ext-1234", "abc"]))
            if self.chance(0.7):
                ctx["aws:PrincipalArn"] = c["principal_arn"]
            if self.chance(0.5):
                ctx["aws:PrincipalAccount"] = c["acct"]
            if self.chance(0.3):
                ctx["aws:PrincipalType"] = {"session": "AssumedRole", "user": "User", "root": "Account"}[c["kind"]]
            if self.chance(0.4):
                ctx["aws:SourceIp"] = self.pick(SOURCE_IPS)
            if self.chance(0.3):
                ctx["aws:MultiFactorAuthPresent"] = self.pick(["true", "false"])
                if ctx["aws:MultiFactorAuthPresent"] == "true" and self.chance(0.5):
                    ctx["aws:MultiFactorAuthAge"] = self.pick(["30", "3600", "7200"])
            if self.chance(0.2):
                ctx["aws:RequestedRegion"] = self.pick(REGIONS)
            if self.chance(0.15):
                ctx["aws:TagKeys"] = self.some(["Project", "team", "CostCenter"], 1, 2)
        if self.chance(0.4):
            ctx["aws:SecureTransport"] = self.pick(["true", "true", "false"])
        if self.chance(0.05):
            ctx["sts:RoleSessionName"] = self.pick(["redshift", "copy-session"])
        return ctx

    # ---- principals in trust statements
    def principal_entries(self, c, target_acct):
        """A Principal element biased towards the caller so that statements often apply."""
        if self.chance(0.05):
            return "*"
        prin = {}
        n_kinds = 1 if self.chance(0.8) else 2
        kinds = []
        first = "Service" if c["kind"] == "service" else "AWS"
        if self.chance(0.8):
            kinds.append(first)
        else:
            kinds.append("AWS" if first == "Service" else "Service")
        if n_kinds == 2:
            kinds.append("AWS" if kinds[0] == "Service" else "Service")
        for kind in kinds:
            if kind == "Service":
                pool = [GLOBAL_SP] * 3 + [regional_sp(r) for r in REGIONS]
                if c["kind"] == "service" and c["sp"] != GLOBAL_SP:
                    pool += [c["sp"]] * 2
                vals = self.some(pool, 1, 3)
                if self.chance(0.03):
                    vals = ["Redshift.amazonaws.com"]
                prin["Service"] = self.one_or_list(vals)
            else:
                pool = []
                for acct in ACCOUNTS:
                    pool += [acct, root_arn(acct)]
                    pool += [role_arn(acct, r) for r in CALLER_ROLES]
                    pool += [user_arn(acct, u) for u in IAM_USERS]
                if c["kind"] != "service":
                    pool += [c["acct"], root_arn(c["acct"])]
                    if c["kind"] == "session":
                        pool += [role_arn(c["acct"], c["role"])] * 2
                        if self.chance(0.05):
                            pool += [role_arn(c["acct"], c["role"], "service-role/"),
                                     role_arn(c["acct"], c["role"].lower())]
                    if c["kind"] == "user":
                        pool += [c["arn"]] * 2
                    if self.chance(0.05):
                        pool += [session_arn(c["acct"], "RoleA", "copy-session")]
                vals = self.some(pool, 1, 3)
                if self.chance(0.04):
                    vals = ["*"]
                prin["AWS"] = self.one_or_list(vals)
        return prin

    def trust_action(self):
        k = self.r.random()
        if k < 0.55:
            return "Action", "sts:AssumeRole"
        if k < 0.65:
            return "Action", ["sts:AssumeRole", "sts:TagSession"]
        if k < 0.72:
            return "Action", "sts:*"
        if k < 0.79:
            return "Action", "sts:Assume*"
        if k < 0.83:
            return "Action", self.pick(["sts:assumerole", "STS:AssumeRole", "sts:AssumeRol?"])
        if k < 0.87:
            return "Action", self.pick(["sts:AssumeRoleWithSAML", "sts:TagSession", "sts:SetSourceIdentity"])
        if k < 0.94:
            return "NotAction", self.pick(["sts:TagSession", ["sts:TagSession", "sts:SetSourceIdentity"],
                                            "sts:AssumeRoleWith*"])
        return "NotAction", self.pick(["sts:AssumeRole", "sts:*"])

    # ---- conditions
    def key_spec(self, c, ctx):
        """Chooses a condition key and returns (key, family, candidate values)."""
        region = c.get("region") or self.pick(REGIONS)
        acct = c["acct"]
        other = ACCOUNTS[1] if acct == HOME else HOME
        ext = c.get("external_id") or ctx.get("sts:ExternalId") or dbuser_arn(region, acct, "my-cluster", "user1")
        cluster = c.get("cluster", "my-cluster")
        user = c.get("user", "user1")
        keys = []
        # sts:ExternalId: exact dbuser ARNs and wildcard patterns.
        exact_ids = [ext, dbuser_arn(region, acct, cluster, self.pick(USERS)),
                     dbuser_arn(self.pick(REGIONS), self.pick(ACCOUNTS), self.pick(CLUSTERS), self.pick(USERS)),
                     ext.upper() if self.chance(0.1) else ext.replace(user, "User1")]
        like_ids = [f"arn:aws:redshift:{region}:{acct}:dbuser:{cluster}/*",
                    f"arn:aws:redshift:*:{acct}:dbuser:{cluster}/*",
                    f"arn:aws:redshift:{region}:{acct}:dbuser:*/{user}",
                    f"arn:aws:redshift:{region}:{acct}:dbuser:{self.pick(CLUSTERS)}/user?",
                    f"arn:aws:redshift:*:{other}:dbuser:*",
                    "arn:aws:redshift:*:*:dbuser:*/user*",
                    f"arn:aws:redshift:{region}:{acct}:dbuser:*"]
        keys.append(("sts:ExternalId", "string", exact_ids, like_ids, 5))
        keys.append(("aws:SourceAccount", "string", [acct, other], [acct[:6] + "*", "*", "2109876543??"], 2))
        keys.append(("aws:SourceArn", "arn", [cluster_arn(region, acct, cluster), cluster_arn(region, other, cluster)],
                     [f"arn:aws:redshift:*:{acct}:cluster:*", f"arn:aws:redshift:{region}:*:cluster:{cluster}",
                      "arn:aws:redshift:*:*:cluster:my-*", f"arn:aws:redshift:*:{other}:*"], 1))
        pa_exact = [root_arn(acct), role_arn(acct, self.pick(CALLER_ROLES)), user_arn(acct, self.pick(IAM_USERS)),
                    role_arn(other, "RoleA")]
        if c["kind"] != "service":
            pa_exact.append(c["principal_arn"])
        keys.append(("aws:PrincipalArn", "arn", pa_exact,
                     [f"arn:aws:iam::{acct}:role/*", f"arn:aws:iam::*:role/Role?", "arn:aws:iam::*:user/*",
                      f"arn:aws:iam::{other}:*", "arn:aws:iam::*:role/service-role/*"], 2))
        keys.append(("aws:PrincipalAccount", "string", [acct, other], [acct[:4] + "*"], 1))
        keys.append(("aws:PrincipalServiceName", "string", [GLOBAL_SP, regional_sp(region)], ["redshift.*"], 1))
        keys.append(("aws:PrincipalServiceNamesList", "multi", [GLOBAL_SP, regional_sp(region), "s3.amazonaws.com"],
                     ["redshift.*", "*.amazonaws.com"], 1))
        keys.append(("aws:RequestedRegion", "string", REGIONS, ["us-*", "eu-*"], 1))
        if c["kind"] != "service":  # aws:PrincipalType of a service principal is undocumented
            keys.append(("aws:PrincipalType", "string", ["AssumedRole", "User", "Account"], ["Assumed*"], 1))
        keys.append(("aws:TagKeys", "multi", ["Project", "team", "CostCenter"], ["Proj*", "*"], 1))
        keys.append(("aws:PrincipalIsAWSService", "bool", None, None, 1))
        keys.append(("aws:SecureTransport", "bool", None, None, 1))
        keys.append(("aws:MultiFactorAuthPresent", "bool", None, None, 1))
        keys.append(("aws:SourceIp", "ip", None, None, 2))
        keys.append(("aws:CurrentTime", "date", None, None, 1))
        keys.append(("aws:EpochTime", "date", None, None, 1))
        keys.append(("aws:MultiFactorAuthAge", "numeric", None, None, 1))
        weights = [k[4] for k in keys]
        key, fam, exact, like, _ = self.r.choices(keys, weights=weights)[0]
        return key, fam, exact, like

    def variable_value(self, key, c):
        """A condition value using a policy variable (rule V3-V6), for string/ARN operators."""
        acct = c["acct"]
        if key == "sts:ExternalId":
            return self.pick([
                "arn:aws:redshift:*:${aws:SourceAccount}:dbuser:*",
                "arn:aws:redshift:*:${aws:PrincipalAccount}:dbuser:*/*",
                "arn:aws:redshift:*:${aws:SourceAccount, '" + acct + "'}:dbuser:*",
                "${aws:SourceArn}",
            ])
        if key in ("aws:SourceAccount", "aws:PrincipalAccount"):
            return self.pick(["${aws:PrincipalAccount}", "${aws:SourceAccount}", "${aws:ResourceAccount, '" + HOME + "'}"])
        if key in ("aws:PrincipalArn", "aws:SourceArn"):
            return self.pick(["arn:aws:iam::${aws:PrincipalAccount}:*",
                              "arn:aws:redshift:*:${aws:SourceAccount}:cluster:*",
                              "arn:aws:iam::" + acct + ":role/${aws:PrincipalType}"])
        return "${aws:RequestedRegion}"

    def condition_entry(self, c, ctx, version):
        key, fam, exact, like = self.key_spec(c, ctx)
        if self.chance(0.08):
            return "Null", key, self.pick(["true", "false"]) if self.chance(0.9) else [self.pick(["true", "false"])]
        prefix = ""
        if fam == "multi":
            prefix = self.pick(["ForAnyValue:", "ForAllValues:"]) if self.chance(0.9) else ""
        elif self.chance(0.1):
            prefix = self.pick(["ForAnyValue:", "ForAllValues:"])
        suffix = "IfExists" if self.chance(0.15) else ""
        if fam in ("string", "multi"):
            base = self.r.choices(["StringEquals", "StringNotEquals", "StringLike", "StringNotLike",
                                   "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"],
                                  weights=[4, 2, 4, 2, 1, 1])[0]
            like_op = "Like" in base
            pool = (like if like_op and self.chance(0.7) else exact)
            values = self.some(pool, 1, 3)
            # Variables also go into 2008-10-17 policies, where they are literal text (rule V1).
            if key != "aws:PrincipalServiceNamesList" and key != "aws:TagKeys" and self.chance(0.12):
                values[0] = self.variable_value(key, c)
            if key == "sts:ExternalId" and self.chance(0.2):
                base = self.pick(["ArnLike", "ArnNotLike", "ArnEquals"])
                values = self.some(like + exact, 1, 2)
            return prefix + base + suffix, key, self.one_or_list(values)
        if fam == "arn":
            base = self.r.choices(["ArnLike", "ArnEquals", "ArnNotLike", "ArnNotEquals", "StringLike", "StringEquals"],
                                  weights=[4, 2, 2, 1, 1, 1])[0]
            values = self.some(like + exact, 1, 3)
            if self.chance(0.15):
                values[0] = self.variable_value(key, c)
            return prefix + base + suffix, key, self.one_or_list(values)
        if fam == "bool":
            v = self.pick(["true", "false"])
            if self.chance(0.1):
                v = v == "true"  # JSON boolean (rule G11)
            return prefix + "Bool" + suffix, key, v
        if fam == "ip":
            base = self.pick(["IpAddress", "NotIpAddress"])
            values = self.some(["0.0.0.0/0", "10.0.0.0/8", "192.0.2.0/24", "203.0.113.7", "203.0.113.0/25",
                                "0.0.0.0/0", "2001:db8::/32", "::/0", "10.1.2.3/32"], 1, 2)
            return prefix + base + suffix, key, self.one_or_list(values)
        if fam == "date":
            base = self.pick(["DateGreaterThan", "DateLessThan", "DateGreaterThanEquals", "DateLessThanEquals",
                              "DateEquals", "DateNotEquals"])
            values = [self.pick(["2025-01-01T00:00:00Z", "2024-06-15T12:30:00Z", "2030-01-01T00:00:00Z",
                                 "1767225600", "1900000000", "1600000000", "2025-06-01",
                                 "2026-01-01T00:00:00+01:00"])]
            return prefix + base + suffix, key, self.one_or_list(values)
        # numeric
        base = self.pick(["NumericLessThan", "NumericGreaterThan", "NumericEquals", "NumericNotEquals",
                          "NumericLessThanEquals"])
        return prefix + base + suffix, key, self.pick(["3600", "60", "7200.0"])

    def condition_block(self, c, ctx, version):
        block = {}
        for _ in range(self.r.randint(1, 3)):
            op, key, val = self.condition_entry(c, ctx, version)
            block.setdefault(op, {})
            if key in block[op]:
                continue  # no duplicate keys under one operator
            block[op][key] = val
        return block

    def trust_statement(self, c, ctx, version, target_acct):
        st = {}
        st["Effect"] = "Allow" if self.chance(0.75) else "Deny"
        st["Principal"] = self.principal_entries(c, target_acct)
        akey, aval = self.trust_action()
        st[akey] = aval
        if self.chance(0.65 if st["Effect"] == "Allow" else 0.8):
            st["Condition"] = self.condition_block(c, ctx, version)
        return st

    def policy(self, statements, version):
        doc = {}
        if version is not None:
            doc["Version"] = version
        if self.chance(0.05):
            doc["Id"] = "TrustPolicy"
        sids = set()
        for i, st in enumerate(statements):
            if self.chance(0.4):
                sid = f"Stmt{i}{self.pick(['A', 'B', ''])}"
                if sid not in sids:
                    sids.add(sid)
                    st = {"Sid": sid, **st}
                    statements[i] = st
        doc["Statement"] = statements if (len(statements) > 1 or self.chance(0.7)) else statements[0]
        return doc

    def pick_version(self):
        k = self.r.random()
        return "2012-10-17" if k < 0.9 else ("2008-10-17" if k < 0.95 else None)

    def trust_policy(self, c, ctx, target_acct):
        version = self.pick_version()
        for _ in range(20):
            n = self.r.choices([1, 2, 3], weights=[5, 3, 2])[0]
            doc = self.policy([self.trust_statement(c, ctx, version, target_acct) for _ in range(n)], version)
            if nonblank_len(doc) <= MAX_TRUST_CHARS:
                return doc
        return doc  # pragma: no cover (20 oversize draws in a row do not happen)

    def identity_statement(self, c, ctx, target, version):
        st = {"Effect": "Allow" if self.chance(0.8) else "Deny"}
        k = self.r.random()
        if k < 0.6:
            st["Action"] = "sts:AssumeRole"
        elif k < 0.7:
            st["Action"] = "sts:*"
        elif k < 0.78:
            st["Action"] = "*"
        elif k < 0.86:
            st["Action"] = ["sts:AssumeRole", "s3:GetObject"]
        elif k < 0.93:
            st["Action"] = "s3:*"
        else:
            st["NotAction"] = self.pick(["s3:*", "sts:AssumeRole"])
        tacct = target.split(":")[4]
        k = self.r.random()
        if k < 0.45:
            st["Resource"] = target
        elif k < 0.6:
            st["Resource"] = "*"
        elif k < 0.7:
            st["Resource"] = f"arn:aws:iam::{tacct}:role/*"
        elif k < 0.78:
            st["Resource"] = "arn:aws:iam::*:role/Redshift*"
        elif k < 0.85:
            st["Resource"] = [role_arn(tacct, "Other"), target]
        elif k < 0.92:
            st["Resource"] = role_arn(tacct, "Other")
        else:
            st["NotResource"] = self.pick([role_arn(tacct, "Other"), target])
        if self.chance(0.25):
            st["Condition"] = self.condition_block(c, ctx, version)
        return st

    def identity_policies(self, c, ctx, target):
        out = []
        for _ in range(self.r.choices([0, 1, 2], weights=[2, 6, 2])[0]):
            version = "2012-10-17" if self.chance(0.95) else "2008-10-17"
            n = self.r.choices([1, 2], weights=[3, 1])[0]
            sts = [self.identity_statement(c, ctx, target, version) for _ in range(n)]
            out.append(self.policy(sts, version))
        return out

    def case(self, i):
        principal, c = self.make_caller()
        now = self.pick(NOWS)
        ctx = self.make_context(c, now)
        target_acct = HOME if self.chance(0.9) else ACCOUNTS[1]
        target = role_arn(target_acct, self.pick(TARGET_ROLES))
        req = {
            "id": f"c{i:06d}",
            "principal": principal,
            "action": "sts:AssumeRole",
            "resource": target,
            "resource_policy": self.trust_policy(c, ctx, target_acct),
        }
        if c["kind"] != "service":
            ids = self.identity_policies(c, ctx, target)
            if ids:
                req["identity_policies"] = ids
        req["resource_account"] = target_acct
        req["context"] = ctx
        req["now"] = now
        return req


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=3000)
    ap.add_argument("--out", default="-", help="output file (default: stdout)")
    args = ap.parse_args()
    gen = Gen(random.Random(args.seed))
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")
    try:
        for i in range(args.count):
            out.write(json.dumps(gen.case(i), separators=(",", ":")) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()


if __name__ == "__main__":
    main()
