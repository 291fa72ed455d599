#!/usr/bin/env python3
"""End-to-end tests of redtrustd's AWS endpoints with real AWS clients.

Starts `redtrustd --world fixtures/worlds/aws-api --listen 127.0.0.1:0` and drives it with the
machine's AWS CLI (`aws sts assume-role`, `aws iam simulate-custom-policy`, ...) and boto3, over
plain HTTP on loopback (`--endpoint-url`), with credentials from the world's key table and no
configuration files. Checks the exact AWS error codes and messages the clients report.

Usage: e2e_aws.py --redtrustd BUILD/bin/redtrustd [--source-dir REPO] [--aws aws]
Exit status: 0 all passed, 1 some failed, 77 skipped (the AWS CLI or boto3 is missing; ctest
reports the test as skipped, never as passed).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time

SKIP = 77

ALICE = ("AKIAALICE00000000001", "alice/Secret/Key/0000000000000000000000001")
BOB = ("AKIABOB0000000000001", "bob/Secret/Key/00000000000000000000000001")
REDSHIFT = ("AKIAREDSHIFTEUWEST01", "redshift/Secret/Key/000000000000000000001")
ANALYST = "arn:aws:iam::111122223333:role/Analyst"
AUDITOR = "arn:aws:iam::111122223333:role/audit/Auditor"
TAGGED = "arn:aws:iam::111122223333:role/TaggedRole"
REDSHIFT_COPY = "arn:aws:iam::111122223333:role/RedshiftCopy"
PARTNER = "arn:aws:iam::444455556666:role/PartnerReader"
USER1 = "arn:aws:redshift:eu-west-1:111122223333:dbuser:my-cluster/user1"
USER2 = "arn:aws:redshift:eu-west-1:111122223333:dbuser:my-cluster/user2"

SIGNATURE_MISMATCH = ("The request signature we calculated does not match the signature you "
                      "provided. Check your AWS Secret Access Key and signing method. Consult "
                      "the service documentation for details.")


class Server:
    def __init__(self, binary, world, extra=()):
        self.proc = subprocess.Popen(
            [binary, "--world", world, "--listen", "127.0.0.1:0", "--no-access-log", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        prefix = "redtrustd: listening on "
        if not line.startswith(prefix):
            self.proc.kill()
            raise RuntimeError("redtrustd did not start: " + line + self.proc.stderr.read())
        self.url = "http://" + line[len(prefix):].strip()

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Runner:
    def __init__(self, aws):
        self.aws = aws
        self.failures = 0
        self.passed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print("PASS", name)
        else:
            self.failures += 1
            print("FAIL", name, detail)

    def cli(self, url, key, args, token=None, region="eu-west-1"):
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": os.environ.get("HOME", "/tmp"),
            "AWS_CONFIG_FILE": "/dev/null",
            "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_DEFAULT_REGION": region,
            "AWS_ACCESS_KEY_ID": key[0],
            "AWS_SECRET_ACCESS_KEY": key[1],
            "AWS_MAX_ATTEMPTS": "1",
        }
        if token:
            env["AWS_SESSION_TOKEN"] = token
        p = subprocess.run([self.aws, *args, "--endpoint-url", url, "--output", "json"],
                           env=env, capture_output=True, text=True, timeout=60)
        return p.returncode, p.stdout, p.stderr.strip()

    def cli_error(self, name, rc, err, code, operation, message):
        expected = f"An error occurred ({code}) when calling the {operation} operation: {message}"
        self.check(name, rc != 0 and err.endswith(expected), f"\n  got:  {err}\n  want: {expected}")


def cli_tests(r, url, skewed_url):
    rc, out, err = r.cli(url, ALICE, ["sts", "assume-role", "--role-arn", ANALYST,
                                      "--role-session-name", "cli-hop1"])
    r.check("cli: assume-role allowed", rc == 0, err)
    creds = json.loads(out)["Credentials"] if rc == 0 else {}
    if rc == 0:
        user = json.loads(out)["AssumedRoleUser"]
        r.check("cli: assumed-role ARN",
                user["Arn"] == "arn:aws:sts::111122223333:assumed-role/Analyst/cli-hop1", out)
        r.check("cli: ASIA access key, 40-character secret",
                creds["AccessKeyId"].startswith("ASIA") and len(creds["AccessKeyId"]) == 20
                and len(creds["SecretAccessKey"]) == 40, out)
        session = (creds["AccessKeyId"], creds["SecretAccessKey"])
        rc2, out2, err2 = r.cli(url, session, ["sts", "assume-role", "--role-arn", AUDITOR,
                                               "--role-session-name", "cli-hop2"],
                                token=creds["SessionToken"])
        r.check("cli: role chaining with the returned credentials",
                rc2 == 0 and json.loads(out2)["AssumedRoleUser"]["Arn"]
                == "arn:aws:sts::111122223333:assumed-role/Auditor/cli-hop2", err2)
        rc3, _, err3 = r.cli(url, session, ["sts", "assume-role", "--role-arn", AUDITOR,
                                            "--role-session-name", "cli-hop2",
                                            "--duration-seconds", "7200"],
                             token=creds["SessionToken"])
        r.cli_error("cli: chained session longer than one hour", rc3, err3, "ValidationError",
                    "AssumeRole", "The requested DurationSeconds exceeds the 1 hour session limit "
                    "for roles assumed by role chaining.")

    rc, _, err = r.cli(url, BOB, ["sts", "assume-role", "--role-arn", ANALYST,
                                  "--role-session-name", "cli-bob"])
    r.cli_error("cli: denied with AccessDenied", rc, err, "AccessDenied", "AssumeRole",
                "User: arn:aws:iam::111122223333:user/bob is not authorized to perform: "
                "sts:AssumeRole on resource: " + ANALYST)

    rc, _, err = r.cli(url, ALICE, ["sts", "assume-role", "--role-arn", ANALYST,
                                    "--role-session-name", "bad/name"])
    r.cli_error("cli: ValidationError", rc, err, "ValidationError", "AssumeRole",
                "1 validation error detected: Value 'bad/name' at 'roleSessionName' failed to "
                "satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*")

    rc, _, err = r.cli(url, (ALICE[0], "not-alices-secret"),
                       ["sts", "assume-role", "--role-arn", ANALYST, "--role-session-name", "x1"])
    r.cli_error("cli: bad secret", rc, err, "SignatureDoesNotMatch", "AssumeRole",
                SIGNATURE_MISMATCH)

    rc, _, err = r.cli(url, ("AKIANOBODY0000000001", "whatever"),
                       ["sts", "assume-role", "--role-arn", ANALYST, "--role-session-name", "x1"])
    r.cli_error("cli: unknown key", rc, err, "InvalidClientTokenId", "AssumeRole",
                "The security token included in the request is invalid.")

    rc, _, err = r.cli(skewed_url, ALICE, ["sts", "assume-role", "--role-arn", ANALYST,
                                           "--role-session-name", "x1"])
    r.check("cli: skewed clock",
            rc != 0 and "An error occurred (SignatureDoesNotMatch) when calling the AssumeRole "
            "operation: Signature expired: " in err and "(20990101T000000Z - 15 min.)" in err, err)

    policy = ('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*",'
              '"Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":'
              '"2018-08-16T12:00:00Z"}}}}')
    rc, out, err = r.cli(url, ALICE, [
        "iam", "simulate-custom-policy", "--policy-input-list", policy,
        "--action-names", "dynamodb:CreateBackup", "--context-entries",
        "ContextKeyName='aws:CurrentTime',ContextKeyValues='2019-04-25T11:00:00Z',"
        "ContextKeyType=date"], region="us-east-1")
    ok = rc == 0
    if ok:
        res = json.loads(out)["EvaluationResults"][0]
        ms = res["MatchedStatements"][0]
        # The AWS CLI reference's own example answers exactly this (example 1).
        ok = (res["EvalDecision"] == "allowed" and ms["SourcePolicyId"] == "PolicyInputList.1"
              and ms["StartPosition"] == {"Line": 1, "Column": 38}
              and ms["EndPosition"] == {"Line": 1, "Column": 167}
              and res["MissingContextValues"] == [])
    r.check("cli: simulate-custom-policy with MatchedStatements", ok, out + err)

    trust = open(os.path.join(SOURCE, "fixtures/worlds/aws-api/trust-redshift.json")).read()
    rc, out, err = r.cli(url, ALICE, [
        "iam", "simulate-custom-policy", "--policy-input-list", "[]",
        "--action-names", "sts:AssumeRole", "--resource-arns", REDSHIFT_COPY,
        "--resource-policy", trust, "--caller-arn", "redshift.eu-west-1.amazonaws.com",
        "--context-entries",
        f"ContextKeyName=sts:ExternalId,ContextKeyValues={USER1},ContextKeyType=string"],
        region="us-east-1")
    ok = rc == 0
    if ok:
        res = json.loads(out)["EvaluationResults"][0]
        ms = res["MatchedStatements"][0]
        ok = (res["EvalDecision"] == "allowed" and ms["SourcePolicyId"] == "ResourcePolicy"
              and ms["StartPosition"] == {"Line": 4, "Column": 5})
    r.check("cli: simulate-custom-policy, trust policy with a service caller (extension)", ok,
            out + err)

    rc, out, err = r.cli(url, ALICE, [
        "iam", "simulate-principal-policy", "--policy-source-arn",
        "arn:aws:iam::111122223333:user/alice", "--action-names", "sts:AssumeRole",
        "--resource-arns", PARTNER], region="us-east-1")
    ok = rc == 0 and json.loads(out)["EvaluationResults"][0]["EvalDecision"] == "allowed"
    r.check("cli: simulate-principal-policy over the world's user", ok, out + err)

    # Issue 12: a context value its type cannot hold is InvalidInput, not implicitDeny.
    ip_policy = ('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*",'
                 '"Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}}')
    rc, _, err = r.cli(url, ALICE, [
        "iam", "simulate-custom-policy", "--policy-input-list", ip_policy,
        "--action-names", "s3:GetObject", "--context-entries",
        "ContextKeyName=aws:SourceIp,ContextKeyValues=notanip,ContextKeyType=ip"],
        region="us-east-1")
    r.cli_error("cli: simulate-custom-policy, a context value that is not an ip", rc, err,
                "InvalidInput", "SimulateCustomPolicy",
                "Invalid value `notanip` (ContextKeyValues member 1) for context key aws:SourceIp "
                "of ContextKeyType ip: expected an IPv4 or IPv6 address such as 203.0.113.7 or "
                "2001:db8::1")

    rc, _, err = r.cli(url, ALICE, [
        "iam", "simulate-principal-policy", "--policy-source-arn",
        "arn:aws:iam::111122223333:user/nobody", "--action-names", "s3:GetObject"],
        region="us-east-1")
    r.cli_error("cli: simulate-principal-policy, unknown user", rc, err, "NoSuchEntity",
                "SimulatePrincipalPolicy", "The user with name nobody cannot be found.")


def boto3_client(service, url, key, token=None, region="eu-west-1"):
    """A boto3 client for redtrustd at `url`, signing with `key` (and a session token), no retries."""
    import boto3
    import botocore.config

    return boto3.client(service, endpoint_url=url, region_name=region,
                        aws_access_key_id=key[0], aws_secret_access_key=key[1],
                        aws_session_token=token,
                        config=botocore.config.Config(retries={"max_attempts": 1}))


def boto3_tests(r, url):
    import botocore.exceptions

    def sts(key, token=None):
        return boto3_client("sts", url, key, token)

    out = sts(ALICE).assume_role(RoleArn=ANALYST, RoleSessionName="boto-hop1")
    c = out["Credentials"]
    r.check("boto3: assume_role allowed",
            out["AssumedRoleUser"]["Arn"] == "arn:aws:sts::111122223333:assumed-role/Analyst/boto-hop1"
            and c["Expiration"].tzinfo is not None and out["ResponseMetadata"]["RequestId"],
            str(out))
    out2 = sts((c["AccessKeyId"], c["SecretAccessKey"]), c["SessionToken"]).assume_role(
        RoleArn=AUDITOR, RoleSessionName="boto-hop2")
    r.check("boto3: role chaining",
            out2["AssumedRoleUser"]["Arn"] == "arn:aws:sts::111122223333:assumed-role/Auditor/boto-hop2",
            str(out2))

    try:
        sts((c["AccessKeyId"], c["SecretAccessKey"]), "not-the-token").assume_role(
            RoleArn=AUDITOR, RoleSessionName="boto-hop2")
        r.check("boto3: session token must match", False, "allowed")
    except botocore.exceptions.ClientError as e:
        r.check("boto3: session token must match",
                e.response["Error"]["Code"] == "InvalidClientTokenId"
                and e.response["ResponseMetadata"]["HTTPStatusCode"] == 403, str(e.response))

    try:
        sts(BOB).assume_role(RoleArn=PARTNER, RoleSessionName="boto-bob")
        r.check("boto3: cross-account denied", False, "allowed")
    except botocore.exceptions.ClientError as e:
        err = e.response["Error"]
        r.check("boto3: cross-account denied",
                err["Code"] == "AccessDenied" and err["Type"] == "Sender"
                and err["Message"] == "User: arn:aws:iam::111122223333:user/bob is not authorized "
                "to perform: sts:AssumeRole on resource: " + PARTNER
                and e.response["ResponseMetadata"]["HTTPStatusCode"] == 403, str(e.response))

    out = sts(REDSHIFT).assume_role(RoleArn=REDSHIFT_COPY, RoleSessionName="RedshiftIamRoleSession",
                                    ExternalId=USER1)
    r.check("boto3: Redshift's own call with the service key",
            out["AssumedRoleUser"]["Arn"].endswith(":assumed-role/RedshiftCopy/RedshiftIamRoleSession"),
            str(out))
    try:
        sts(REDSHIFT).assume_role(RoleArn=REDSHIFT_COPY, RoleSessionName="RedshiftIamRoleSession",
                                  ExternalId=USER2)
        r.check("boto3: Redshift for another dbuser denied", False, "allowed")
    except botocore.exceptions.ClientError as e:
        r.check("boto3: Redshift for another dbuser denied",
                e.response["Error"]["Message"] == "User: redshift.eu-west-1.amazonaws.com is not "
                "authorized to perform: sts:AssumeRole on resource: " + REDSHIFT_COPY,
                str(e.response))

    out = sts(ALICE).assume_role(RoleArn=TAGGED, RoleSessionName="boto-tags", SourceIdentity="alice",
                                 Tags=[{"Key": "team", "Value": "data"}], TransitiveTagKeys=["team"])
    r.check("boto3: session tags and source identity",
            out.get("SourceIdentity") == "alice" and out.get("PackedPolicySize") == 1, str(out))

    iam = boto3_client("iam", url, ALICE, region="us-east-1")
    res = iam.simulate_custom_policy(
        PolicyInputList=['{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*",'
                         '"Resource":"*"},{"Effect":"Allow","Action":"*","Resource":"*"}]}'],
        ActionNames=["s3:GetObject", "ec2:RunInstances"],
        ResourceArns=["arn:aws:s3:::analytics-reports/q1.csv"])["EvaluationResults"]
    r.check("boto3: simulate_custom_policy explicitDeny and allowed",
            [x["EvalDecision"] for x in res] == ["explicitDeny", "allowed"]
            and res[0]["MatchedStatements"][0]["StartPosition"] == {"Line": 1, "Column": 38}
            and res[0]["ResourceSpecificResults"][0]["EvalResourceDecision"] == "explicitDeny",
            str(res))
    pages = list(iam.get_paginator("simulate_custom_policy").paginate(
        PolicyInputList=['{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'],
        ActionNames=["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
        PaginationConfig={"PageSize": 2}))
    r.check("boto3: simulate_custom_policy pages",
            len(pages) == 2 and sum(len(p["EvaluationResults"]) for p in pages) == 3, str(pages))


def eviction_tests(r, url):
    """A server started with --max-issued-credentials 1 keeps only the newest session."""
    import botocore.exceptions

    def sts(key, token=None):
        return boto3_client("sts", url, key, token)

    first = sts(ALICE).assume_role(RoleArn=ANALYST, RoleSessionName="first")["Credentials"]
    second = sts(ALICE).assume_role(RoleArn=ANALYST, RoleSessionName="second")["Credentials"]
    try:
        sts((first["AccessKeyId"], first["SecretAccessKey"]), first["SessionToken"]).assume_role(
            RoleArn=AUDITOR, RoleSessionName="hop")
        r.check("max-issued-credentials: the oldest session is forgotten", False, "allowed")
    except botocore.exceptions.ClientError as e:
        r.check("max-issued-credentials: the oldest session is forgotten",
                e.response["Error"]["Code"] == "InvalidClientTokenId", str(e.response))
    out = sts((second["AccessKeyId"], second["SecretAccessKey"]), second["SessionToken"]).assume_role(
        RoleArn=AUDITOR, RoleSessionName="hop")
    r.check("max-issued-credentials: the newest session still chains",
            out["AssumedRoleUser"]["Arn"].endswith(":assumed-role/Auditor/hop"), str(out))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--redtrustd", required=True)
    ap.add_argument("--source-dir", default=os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))))
    ap.add_argument("--aws", default=shutil.which("aws") or "/root/.pyenv/shims/aws")
    args = ap.parse_args()
    global SOURCE
    SOURCE = args.source_dir

    missing = []
    if not args.aws or not os.path.exists(args.aws) or subprocess.run(
            [args.aws, "--version"], capture_output=True).returncode != 0:
        missing.append("the AWS CLI (aws)")
    try:
        import boto3  # noqa: F401
    except ImportError:
        missing.append("boto3")
    if missing:
        print("SKIPPED: " + " and ".join(missing) + " not installed; the AWS client end-to-end "
              "tests did not run", file=sys.stderr)
        return SKIP

    world = os.path.join(SOURCE, "fixtures/worlds/aws-api")
    server = Server(args.redtrustd, world)
    # A server whose clock is far ahead: every client signature is too old for it.
    skewed = Server(args.redtrustd, world, ["--now", "2099-01-01T00:00:00Z"])
    small = Server(args.redtrustd, world, ["--max-issued-credentials", "1"])
    r = Runner(args.aws)
    try:
        start = time.time()
        cli_tests(r, server.url, skewed.url)
        boto3_tests(r, server.url)
        eviction_tests(r, small.url)
        print(f"{r.passed} passed, {r.failures} failed ({time.time() - start:.1f}s)")
    finally:
        server.stop()
        skewed.stop()
        small.stop()
    return 1 if r.failures else 0


SOURCE = ""

if __name__ == "__main__":
    sys.exit(main())
