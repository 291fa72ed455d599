#!/usr/bin/env node
// Peer evaluator for the differential test: reads `redtrust eval` request lines (JSON Lines) and
// asks @cloud-copilot/iam-simulate (AGPL, installed by tools/setup into ./node_modules and run
// only as this separate node program; nothing of it is linked into redtrust) for its decision.
//
//   node peer.mjs [FILE]      (stdin when FILE is absent or "-")
//
// Output, one line per input line, in input order:
//   {"id": ..., "decision": "allowed"|"explicitDeny"|"implicitDeny"|"error", "errors": [...]}
// ("errors" only when the decision is "error").
//
// Request mapping (redtrust eval line -> iam-simulate Simulation):
//   principal {"Service": s}        -> request.principal = s
//   principal {"AWS": "<12 digits>"} -> "arn:<partition of resource>:iam::<acct>:root"
//   principal {"AWS": arn}          -> arn (user, root or assumed-role session ARN)
//   principal {"Federated": f}      -> f
//   action, resource                -> request.action, request.resource.resource
//   resource_account                -> request.resource.accountId (else the ARN's account field)
//   resource_policy                 -> resourcePolicy (the role trust policy for sts:AssumeRole)
//   identity_policies [doc, ...]    -> identityPolicies [{name: "identity_policies/N", policy}]
//   context {k: scalar | [scalars]} -> request.contextVariables (scalars as text)
//   now (ISO 8601)                  -> aws:CurrentTime and aws:EpochTime (seconds) when the
//                                      context does not set them (the keys are always present
//                                      in real requests, rule K)
//   the principal                   -> the keys AWS derives from the caller (rule K), when
//                                      the context does not set them. iam-simulate derives none.
//     IAM caller: aws:PrincipalArn (the role ARN for a role session), aws:PrincipalAccount,
//                 aws:PrincipalType (User | Account | AssumedRole | FederatedUser),
//                 aws:PrincipalIsAWSService = false
//     service s:  aws:PrincipalIsAWSService = true; aws:PrincipalServiceName = the global name
//                 (svc.amazonaws.com for svc.R.amazonaws.com); aws:PrincipalServiceNamesList =
//                 [s] or [s, global name]. No aws:PrincipalArn / aws:PrincipalAccount /
//                 aws:PrincipalType (not documented for service principals).
// No SCPs, RCPs (the peer adds RCPFullAWSAccess itself), boundaries or session policies.
//
// We call runSimulation, which validates the policies and types the context keys for the action
// (a key the action does not know is dropped; an array-typed key becomes an array), as a user of
// the library would. (runUnsafeSimulation is not usable in 0.1.173: it crashes reading the
// resource policy's metadata name.)
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { runSimulation } from '@cloud-copilot/iam-simulate';

const DECISION = {
  Allowed: 'allowed',
  ExplicitlyDenied: 'explicitDeny',
  ImplicitlyDenied: 'implicitDeny'
};

function scalarText(v) {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  throw new Error(`context value must be a string, number or boolean, got ${JSON.stringify(v)}`);
}

function mapPrincipal(p, partition) {
  if (p === null || typeof p !== 'object' || Array.isArray(p)) {
    throw new Error('principal must be an object such as {"AWS": "..."} or {"Service": "..."}');
  }
  const keys = Object.keys(p);
  if (keys.length !== 1) throw new Error('principal must have exactly one key');
  const kind = keys[0];
  const value = p[kind];
  if (typeof value !== 'string' || value === '') throw new Error(`principal.${kind} must be a non-empty string`);
  switch (kind) {
    case 'Service':
    case 'Federated':
      return value;
    case 'AWS':
      if (/^\d{12}$/.test(value)) return `arn:${partition}:iam::${value}:root`;
      return value;
    default:
      throw new Error(`unknown principal kind ${kind}`);
  }
}

const REGIONAL_SERVICE = /^([a-z0-9-]+)\.([a-z]{2}(?:-[a-z]+)+-\d+)\.(amazonaws\.com(?:\.cn)?)$/;

// Keys AWS puts into the request context from the caller (rule K).
function derivedKeys(principal) {
  const kind = Object.keys(principal)[0];
  const value = principal[kind];
  if (kind === 'Service') {
    const m = REGIONAL_SERVICE.exec(value);
    const global = m ? `${m[1]}.${m[3]}` : value;
    return {
      'aws:PrincipalIsAWSService': 'true',
      'aws:PrincipalServiceName': global,
      'aws:PrincipalServiceNamesList': m ? [value, global] : [value]
    };
  }
  if (kind !== 'AWS') return {};
  const parts = value.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return {};
  const [, partition, service, , account] = parts;
  const resource = parts.slice(5).join(':');
  let arn = value;
  let type;
  if (service === 'iam' && resource === 'root') type = 'Account';
  else if (service === 'iam' && resource.startsWith('user/')) type = 'User';
  else if (service === 'sts' && resource.startsWith('assumed-role/')) {
    type = 'AssumedRole';
    arn = `arn:${partition}:iam::${account}:role/${resource.split('/')[1]}`;
  } else if (service === 'sts' && resource.startsWith('federated-user/')) type = 'FederatedUser';
  else return {};
  return {
    'aws:PrincipalArn': arn,
    'aws:PrincipalAccount': account,
    'aws:PrincipalType': type,
    'aws:PrincipalIsAWSService': 'false'
  };
}

function buildSimulation(req) {
  if (typeof req.resource !== 'string') throw new Error('resource must be a string');
  if (typeof req.action !== 'string') throw new Error('action must be a string');
  const arnParts = req.resource.split(':');
  const partition = arnParts.length >= 6 && arnParts[0] === 'arn' ? arnParts[1] : 'aws';
  const accountId =
    typeof req.resource_account === 'string' && req.resource_account !== ''
      ? req.resource_account
      : arnParts.length >= 6
        ? arnParts[4]
        : '';
  const contextVariables = {};
  const lowerKeys = new Set();
  for (const [k, v] of Object.entries(req.context ?? {})) {
    contextVariables[k] = Array.isArray(v) ? v.map(scalarText) : scalarText(v);
    lowerKeys.add(k.toLowerCase());
  }
  const principal = mapPrincipal(req.principal, partition);
  for (const [k, v] of Object.entries(derivedKeys({ [Object.keys(req.principal)[0]]: principal }))) {
    if (!lowerKeys.has(k.toLowerCase())) contextVariables[k] = v;
  }
  if (typeof req.now === 'string') {
    const ms = Date.parse(req.now);
    if (Number.isNaN(ms)) throw new Error(`now is not a date: ${req.now}`);
    if (!lowerKeys.has('aws:currenttime')) contextVariables['aws:CurrentTime'] = req.now;
    if (!lowerKeys.has('aws:epochtime')) contextVariables['aws:EpochTime'] = String(Math.floor(ms / 1000));
  }
  const identityPolicies = (req.identity_policies ?? []).map((policy, i) => ({
    name: `identity_policies/${i}`,
    policy
  }));
  const simulation = {
    request: {
      principal,
      action: req.action,
      resource: { resource: req.resource, accountId },
      contextVariables
    },
    identityPolicies,
    serviceControlPolicies: [],
    resourceControlPolicies: []
  };
  if (req.resource_policy !== undefined && req.resource_policy !== null) {
    simulation.resourcePolicy = req.resource_policy;
  }
  return simulation;
}

function errorText(errors) {
  // Flatten the peer's SimulationErrors into short strings.
  const out = [];
  const push = (where, list) => {
    for (const e of list ?? []) out.push(`${where}: ${e.message ?? JSON.stringify(e)}${e.path ? ` at ${e.path}` : ''}`);
  };
  push('resource_policy', errors.resourcePolicyErrors);
  for (const [name, list] of Object.entries(errors.identityPolicyErrors ?? {})) push(name, list);
  if (out.length === 0) out.push(errors.message ?? 'error');
  return out;
}

async function evaluate(line) {
  let id = null;
  try {
    const req = JSON.parse(line);
    id = req.id ?? null;
    const simulation = buildSimulation(req);
    const response = await runSimulation(simulation, { simulationMode: 'Strict' });
    if (response.resultType === 'error') {
      return { id, decision: 'error', errors: errorText(response.errors) };
    }
    const decision = DECISION[response.overallResult];
    if (!decision) return { id, decision: 'error', errors: [`unknown result ${response.overallResult}`] };
    return { id, decision };
  } catch (e) {
    return { id, decision: 'error', errors: [String(e?.message ?? e)] };
  }
}

async function main() {
  const args = process.argv.slice(2);
  const files = args;
  if (files.length > 1 || args.some((a) => a.startsWith('--'))) {
    process.stderr.write('usage: node peer.mjs [FILE]\n');
    process.exit(2);
  }
  const input = files.length === 1 && files[0] !== '-' ? createReadStream(files[0]) : process.stdin;
  const rl = createInterface({ input, crlfDelay: Infinity });
  let buffer = [];
  const flush = async () => {
    if (buffer.length === 0) return;
    const chunk = buffer.join('');
    buffer = [];
    if (!process.stdout.write(chunk)) await new Promise((r) => process.stdout.once('drain', r));
  };
  for await (const line of rl) {
    if (line.trim() === '') continue;
    const out = await evaluate(line);
    buffer.push(JSON.stringify(out) + '\n');
    if (buffer.length >= 256) await flush();
  }
  await flush();
}

main().catch((e) => {
  process.stderr.write(`peer.mjs: ${e?.stack ?? e}\n`);
  process.exit(1);
});
