#!/usr/bin/env bash
# STS AssumeRole through redtrustd, SigV4 verified on every request, measured with wrk: one
# request pre-signed at a fixed X-Amz-Date (signed here, in Python, as botocore signs:
# content-type;host;x-amz-date), the server's clock fixed to that date with --now, keep-alive.
#
# Usage: bench/sts_throughput.sh [SECONDS] [CONNECTIONS] [path/to/redtrustd]
#   MODE=allowed (default: alice assumes Analyst, credentials issued and stored)
#   MODE=denied  (bob: AccessDenied after the engine's decision)
#   MODE=badsig  (a wrong secret: SignatureDoesNotMatch)
# Issue 5's target: >= 10,000 requests/s on this 2-core machine (wrk shares the cores).
set -euo pipefail
SECS=${1:-10}
CONNS=${2:-64}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${3:-$ROOT/build/bin/redtrustd}
MODE=${MODE:-allowed}
DATE=20260115T103000Z
TMP=$(mktemp -d)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

"$BIN" --world "$ROOT/fixtures/worlds/aws-api" --listen 127.0.0.1:0 --no-access-log \
  --now 2026-01-15T10:30:00Z > "$TMP/server.out" 2> "$TMP/server.err" &
SERVER_PID=$!
for _ in $(seq 50); do grep -q "listening on" "$TMP/server.out" 2>/dev/null && break; sleep 0.1; done
ADDR=$(sed -n 's/^redtrustd: listening on //p' "$TMP/server.out")
[ -n "$ADDR" ] || { echo "redtrustd did not start:"; cat "$TMP/server.err"; exit 1; }

python3 - "$ADDR" "$DATE" "$MODE" > "$TMP/sts.lua" <<'PY'
import hashlib, hmac, sys, urllib.parse
addr, date, mode = sys.argv[1], sys.argv[2], sys.argv[3]
keys = {
    "allowed": ("AKIAALICE00000000001", "alice/Secret/Key/0000000000000000000000001"),
    "denied": ("AKIABOB0000000000001", "bob/Secret/Key/00000000000000000000000001"),
    "badsig": ("AKIAALICE00000000001", "not-alices-secret"),
}
key_id, secret = keys[mode]
body = urllib.parse.urlencode({"Action": "AssumeRole", "Version": "2011-06-15",
                               "RoleArn": "arn:aws:iam::111122223333:role/Analyst",
                               "RoleSessionName": "wrk"})
ctype = "application/x-www-form-urlencoded; charset=utf-8"
region, service = "eu-west-1", "sts"
scope = f"{date[:8]}/{region}/{service}/aws4_request"
signed = "content-type;host;x-amz-date"
creq = "\n".join(["POST", "/", "", f"content-type:{ctype}", f"host:{addr}", f"x-amz-date:{date}", "",
                  signed, hashlib.sha256(body.encode()).hexdigest()])
sts = "\n".join(["AWS4-HMAC-SHA256", date, scope, hashlib.sha256(creq.encode()).hexdigest()])
k = ("AWS4" + secret).encode()
for part in (date[:8], region, service, "aws4_request"):
    k = hmac.new(k, part.encode(), hashlib.sha256).digest()
sig = hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
auth = f"AWS4-HMAC-SHA256 Credential={key_id}/{scope}, SignedHeaders={signed}, Signature={sig}"
print(f'wrk.method = "POST"\nwrk.path = "/"\nwrk.body = "{body}"')
print(f'wrk.headers["Host"] = "{addr}"\nwrk.headers["Content-Type"] = "{ctype}"')
print(f'wrk.headers["X-Amz-Date"] = "{date}"\nwrk.headers["Authorization"] = "{auth}"')
PY

# One request first: the answer must be what MODE expects.
python3 - "$ADDR" "$TMP/sts.lua" "$MODE" <<'PY'
import http.client, re, sys
addr, lua, mode = sys.argv[1], open(sys.argv[2]).read(), sys.argv[3]
body = re.search(r'wrk.body = "(.*)"', lua).group(1)
headers = dict(re.findall(r'wrk.headers\["([^"]+)"\] = "(.*)"', lua))
c = http.client.HTTPConnection(addr)
c.request("POST", "/", body=body, headers=headers)
r = c.getresponse()
text = r.read().decode()
want = {"allowed": 200, "denied": 403, "badsig": 403}[mode]
code = re.search(r"<Code>(.*)</Code>", text)
print(f"probe: HTTP {r.status}" + (f" {code.group(1)}" if code else " AssumeRoleResponse"))
sys.exit(0 if r.status == want else 1)
PY

rss() { awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status"; }
echo "mode: $MODE, $CONNS connections, ${SECS}s, server RSS before: $(( $(rss) / 1024 )) MB"
wrk -t2 -c"$CONNS" -d"${SECS}s" --latency -s "$TMP/sts.lua" "http://$ADDR/" | tee "$TMP/wrk.out"
echo "server RSS after: $(( $(rss) / 1024 )) MB"
