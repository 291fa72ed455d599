// Seeded random IAM policies and requests for the property tests (tests/engine/property/,
// tests/sim/property/). Policies are built as a small structure and written out as JSON text,
// so they go through the same reader, validator and compiler as user input. Values come from
// small pools so that statements often match and every kind of decision occurs.
//
// Deterministic: a Rng is a 64-bit LCG-free xorshift with our own range mapping (the standard
// distributions are implementation-defined), so a seed gives the same policies everywhere.
#ifndef REDTRUST_TESTS_ENGINE_PROPERTY_POLICY_GEN_H_
#define REDTRUST_TESTS_ENGINE_PROPERTY_POLICY_GEN_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/eval/request.h"
#include "tools/questions/json_writer.h"
#include "engine/policy/arn.h"
#include "engine/policy/document.h"

namespace redtrust::property {

class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed * 0x9E3779B97F4A7C15ull + 1) {}
  uint64_t Next() {  // xorshift64*
    s_ ^= s_ >> 12;
    s_ ^= s_ << 25;
    s_ ^= s_ >> 27;
    return s_ * 0x2545F4914F6CDD1Dull;
  }
  size_t Below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(Next() % n); }
  bool Chance(int percent) { return Below(100) < static_cast<size_t>(percent); }
  template <typename T>
  const T& Pick(const std::vector<T>& v) { return v[Below(v.size())]; }
  template <typename T>
  void Shuffle(std::vector<T>* v) {
    for (size_t i = v->size(); i > 1; --i) std::swap((*v)[i - 1], (*v)[Below(i)]);
  }

 private:
  uint64_t s_;
};

struct GenCondition {
  std::string op;
  std::string key;
  std::vector<std::string> values;
};

struct GenStatement {
  std::string sid;
  bool deny = false;
  std::string principal;  // JSON text of the Principal value; "" = no Principal element
  bool not_action = false;
  std::vector<std::string> actions;
  std::vector<std::string> resources;  // empty = no Resource element
  std::vector<GenCondition> conditions;
};

struct GenPolicy {
  std::string version = "2012-10-17";
  std::vector<GenStatement> statements;
};

inline void AppendStrings(std::string* out, const std::vector<std::string>& v) {
  if (v.size() == 1) {
    AppendJsonString(out, v[0]);
    return;
  }
  *out += "[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) *out += ",";
    AppendJsonString(out, v[i]);
  }
  *out += "]";
}

inline std::string ToJson(const GenPolicy& p) {
  std::string out = "{\"Version\":";
  AppendJsonString(&out, p.version);
  out += ",\"Statement\":[";
  for (size_t i = 0; i < p.statements.size(); ++i) {
    const GenStatement& s = p.statements[i];
    if (i) out += ",";
    out += "{\"Sid\":";
    AppendJsonString(&out, s.sid);
    out += s.deny ? ",\"Effect\":\"Deny\"" : ",\"Effect\":\"Allow\"";
    if (!s.principal.empty()) out += ",\"Principal\":" + s.principal;
    out += s.not_action ? ",\"NotAction\":" : ",\"Action\":";
    AppendStrings(&out, s.actions);
    if (!s.resources.empty()) {
      out += ",\"Resource\":";
      AppendStrings(&out, s.resources);
    }
    if (!s.conditions.empty()) {
      // One block per operator, keys in order; (operator, key) pairs are unique.
      out += ",\"Condition\":{";
      std::vector<std::string> ops;
      for (const GenCondition& c : s.conditions) {
        bool seen = false;
        for (const std::string& o : ops) seen = seen || o == c.op;
        if (!seen) ops.push_back(c.op);
      }
      for (size_t o = 0; o < ops.size(); ++o) {
        if (o) out += ",";
        AppendJsonString(&out, ops[o]);
        out += ":{";
        bool first = true;
        for (const GenCondition& c : s.conditions) {
          if (c.op != ops[o]) continue;
          if (!first) out += ",";
          first = false;
          AppendJsonString(&out, c.key);
          out += ":";
          AppendStrings(&out, c.values);
        }
        out += "}";
      }
      out += "}";
    }
    out += "}";
  }
  out += "]}";
  return out;
}

// ---- pools

inline const std::vector<std::string>& ExternalIds() {
  static const std::vector<std::string> v = {
      "arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/user1",
      "arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/user2",
      "arn:aws:redshift:us-east-1:123456789012:dbuser:other/user1",
      "partner-secret-1"};
  return v;
}

inline GenCondition RandomCondition(Rng& rng) {
  static const std::vector<GenCondition> pool = {
      {"StringEquals", "sts:ExternalId", {}},
      {"StringNotEquals", "sts:ExternalId", {}},
      {"StringLike", "sts:ExternalId", {"arn:aws:redshift:*:123456789012:dbuser:my-cluster/*"}},
      {"StringLike", "sts:ExternalId", {"*user1", "partner-*", "arn:aws:redshift:us-?ast-1:*"}},
      {"StringEqualsIgnoreCase", "sts:ExternalId", {"ARN:AWS:REDSHIFT:US-WEST-2:123456789012:DBUSER:MY-CLUSTER/USER1"}},
      {"ArnLike", "aws:SourceArn", {"arn:aws:redshift:us-west-2:123456789012:cluster:*"}},
      {"ArnEquals", "aws:SourceArn", {"arn:aws:redshift:us-west-2:123456789012:cluster:my-cluster"}},
      {"StringEquals", "aws:SourceAccount", {"123456789012", "210987654321"}},
      {"IpAddress", "aws:SourceIp", {"10.0.0.0/8", "192.168.1.0/24"}},
      {"NotIpAddress", "aws:SourceIp", {"10.1.0.0/16"}},
      {"NumericLessThan", "s3:max-keys", {"10", "100"}},
      {"NumericGreaterThanEquals", "s3:max-keys", {"50"}},
      {"Bool", "aws:SecureTransport", {"true"}},
      {"Null", "sts:ExternalId", {"false"}},
      {"Null", "aws:SourceArn", {"true"}},
      {"ForAnyValue:StringEquals", "aws:TagKeys", {"team", "env"}},
      {"ForAllValues:StringLike", "aws:TagKeys", {"t*", "env"}},
      {"StringLikeIfExists", "aws:PrincipalTag/team", {"data-*"}},
      {"DateLessThan", "aws:CurrentTime", {"2027-01-01T00:00:00Z"}},
      {"DateGreaterThan", "aws:CurrentTime", {"2026-06-01T00:00:00Z"}},
      {"StringEquals", "aws:PrincipalType", {"AWSService", "AssumedRole"}},
      {"StringEquals", "aws:username", {"${aws:username}", "alice"}},
  };
  GenCondition c = rng.Pick(pool);
  if (c.values.empty()) {
    const size_t n = 1 + rng.Below(3);
    std::set<std::string> picked;
    while (picked.size() < n) picked.insert(rng.Pick(ExternalIds()));
    c.values.assign(picked.begin(), picked.end());
    rng.Shuffle(&c.values);
  }
  return c;
}

inline std::vector<std::string> RandomActions(Rng& rng) {
  static const std::vector<std::vector<std::string>> pool = {
      {"sts:AssumeRole"}, {"sts:*"}, {"*"}, {"sts:Assume*"}, {"sts:AssumeRole", "sts:TagSession"},
      {"sts:assumerole"}, {"s3:GetObject"}, {"s3:*"}, {"s3:Get*", "s3:List*"}, {"kms:Decrypt"}};
  return rng.Pick(pool);
}

inline std::vector<std::string> RandomResources(Rng& rng) {
  static const std::vector<std::vector<std::string>> pool = {
      {"*"},
      {"arn:aws:iam::123456789012:role/*"},
      {"arn:aws:iam::123456789012:role/RedshiftRole"},
      {"arn:aws:s3:::bucket/*"},
      {"arn:aws:s3:::bucket/data/*", "arn:aws:s3:::bucket"},
      {"arn:aws:s3:::other/*"},
      {"arn:aws:iam::*:role/Redshift*"}};
  return rng.Pick(pool);
}

inline std::string RandomPrincipal(Rng& rng) {
  static const std::vector<std::string> pool = {
      "\"*\"",
      "{\"Service\":\"redshift.amazonaws.com\"}",
      "{\"Service\":[\"redshift.amazonaws.com\",\"redshift.us-west-2.amazonaws.com\"]}",
      "{\"Service\":\"redshift.us-east-1.amazonaws.com\"}",
      "{\"AWS\":\"arn:aws:iam::123456789012:root\"}",
      "{\"AWS\":\"123456789012\"}",
      "{\"AWS\":\"arn:aws:iam::123456789012:role/Loader\"}",
      "{\"AWS\":[\"210987654321\",\"arn:aws:iam::123456789012:user/alice\"]}",
      "{\"AWS\":\"*\"}",
      "{\"Federated\":\"cognito-identity.amazonaws.com\"}"};
  return rng.Pick(pool);
}

// A statement for a policy of `kind`: trust and resource policies have a Principal, identity
// and resource policies a Resource.
inline GenStatement RandomStatement(Rng& rng, PolicyKind kind, int deny_percent = 30) {
  GenStatement s;
  s.deny = rng.Chance(deny_percent);
  if (kind != PolicyKind::kIdentity) s.principal = RandomPrincipal(rng);
  s.not_action = rng.Chance(10);
  s.actions = RandomActions(rng);
  if (kind != PolicyKind::kTrust) s.resources = RandomResources(rng);
  const size_t nc = rng.Below(4) == 0 ? 2 : rng.Below(2);
  for (size_t i = 0; i < nc; ++i) {
    GenCondition c = RandomCondition(rng);
    bool dup = false;
    for (const GenCondition& o : s.conditions) dup = dup || (o.op == c.op && o.key == c.key);
    if (!dup) s.conditions.push_back(std::move(c));
  }
  return s;
}

// Gives every statement a unique Sid S0, S1, ... (in the current order).
inline void NameStatements(GenPolicy* p) {
  for (size_t i = 0; i < p->statements.size(); ++i) p->statements[i].sid = "S" + std::to_string(i);
}

inline GenPolicy RandomPolicy(Rng& rng, PolicyKind kind, size_t max_statements = 4) {
  GenPolicy p;
  if (rng.Chance(10)) p.version = "2008-10-17";
  const size_t n = 1 + rng.Below(max_statements);
  for (size_t i = 0; i < n; ++i) p.statements.push_back(RandomStatement(rng, kind));
  NameStatements(&p);
  return p;
}

// ---- requests

struct GenRequest {
  std::string principal_type;  // AWS | Service | Federated
  std::string principal;
  std::string action;
  std::string resource;
  std::vector<std::pair<std::string, std::vector<std::string>>> context;  // >1 value: multivalued
  int64_t now_micros = 0;
};

inline GenRequest RandomRequest(Rng& rng) {
  static const std::vector<std::pair<std::string, std::string>> callers = {
      {"Service", "redshift.us-west-2.amazonaws.com"},
      {"Service", "redshift.amazonaws.com"},
      {"Service", "redshift.us-east-1.amazonaws.com"},
      {"AWS", "arn:aws:iam::123456789012:role/Loader"},
      {"AWS", "arn:aws:sts::123456789012:assumed-role/Loader/session"},
      {"AWS", "arn:aws:iam::123456789012:user/alice"},
      {"AWS", "210987654321"},
      {"Federated", "cognito-identity.amazonaws.com"}};
  static const std::vector<std::string> actions = {"sts:AssumeRole", "sts:AssumeRole",
                                                   "sts:TagSession", "s3:GetObject",
                                                   "s3:ListBucket", "kms:Decrypt"};
  GenRequest r;
  const auto& c = rng.Pick(callers);
  r.principal_type = c.first;
  r.principal = c.second;
  r.action = rng.Pick(actions);
  r.resource = r.action.rfind("s3:", 0) == 0
                   ? (rng.Chance(70) ? "arn:aws:s3:::bucket/data/file.csv" : "arn:aws:s3:::other/x")
                   : (rng.Chance(80) ? "arn:aws:iam::123456789012:role/RedshiftRole"
                                     : "arn:aws:iam::210987654321:role/RedshiftRole");
  if (rng.Chance(70)) r.context.push_back({"sts:ExternalId", {rng.Pick(ExternalIds())}});
  if (rng.Chance(30)) {
    r.context.push_back({"aws:SourceArn", {"arn:aws:redshift:us-west-2:123456789012:cluster:my-cluster"}});
  }
  if (rng.Chance(30)) r.context.push_back({"aws:SourceAccount", {"123456789012"}});
  if (rng.Chance(40)) r.context.push_back({"aws:SourceIp", {rng.Chance(50) ? "10.1.2.3" : "172.16.0.1"}});
  if (rng.Chance(30)) r.context.push_back({"s3:max-keys", {rng.Chance(50) ? "5" : "75"}});
  if (rng.Chance(30)) r.context.push_back({"aws:SecureTransport", {rng.Chance(70) ? "true" : "false"}});
  if (rng.Chance(30)) {
    std::vector<std::string> tags = {"team", "env", "cost"};
    tags.resize(rng.Below(4));
    tags.push_back("team");  // at least two values: multivalued
    r.context.push_back({"aws:TagKeys", tags});
  }
  if (rng.Chance(20)) r.context.push_back({"aws:PrincipalTag/team", {"data-eng"}});
  r.now_micros = rng.Chance(50) ? 1767225600000000 : 1798761600000000;  // 2026-01-01 / 2027-01-01
  return r;
}

// REQUIRES: the caller parses (every pool entry does).
inline Request ToRequest(const GenRequest& g) {
  Request r;
  r.action = g.action;
  r.resource = g.resource;
  if (auto parts = SplitArn(g.resource)) {
    r.resource_partition = std::string(parts->partition);
    r.resource_account = std::string(parts->account);
  }
  if (g.principal_type == "AWS") r.caller = *ParseAwsCaller(g.principal, "aws");
  if (g.principal_type == "Service") r.caller = *ParseServiceCaller(g.principal);
  if (g.principal_type == "Federated") r.caller = *ParseFederatedCaller(g.principal);
  for (const auto& [k, v] : g.context) r.context.Set(k, v, v.size() > 1);
  r.now_micros = g.now_micros;
  return r;
}

// The policy's JSON text broken in one of the ways users break policies (a lowercase Effect,
// an unknown key, an element its kind forbids, a misspelt operator, truncation, a duplicate
// key, a bad Version...). Usually invalid; callers check with ParsePolicy.
inline std::string CorruptPolicy(Rng& rng, const GenPolicy& p, PolicyKind kind) {
  std::string text = ToJson(p);
  auto replace = [&](const std::string& from, const std::string& to) {
    size_t at = text.find(from);
    if (at == std::string::npos) return false;
    text.replace(at, from.size(), to);
    return true;
  };
  for (int attempt = 0; attempt < 20; ++attempt) {
    switch (rng.Below(10)) {
      case 0:
        if (replace("\"Allow\"", "\"allow\"")) return text;  // G6: legacy parsing failure
        break;
      case 1:
        if (replace("\"Effect\"", "\"Effect\":\"Allow\",\"Efect\"")) return text;  // unknown key
        break;
      case 2:
        if (kind == PolicyKind::kTrust && replace("\"Action\"", "\"Resource\":\"*\",\"Action\"")) {
          return text;  // G9: trust policies have no Resource
        }
        if (kind == PolicyKind::kIdentity &&
            replace("\"Action\"", "\"Principal\":\"*\",\"Action\"")) {
          return text;  // G8: identity policies have no Principal
        }
        break;
      case 3:
        if (replace("\"Condition\":{\"String", "\"Condition\":{\"Strin")) return text;  // operator
        break;
      case 4:
        return text.substr(0, rng.Below(text.size()));  // truncated JSON
      case 5:
        if (replace("\"Sid\":\"S0\"", "\"Sid\":\"S0\",\"Sid\":\"S1\"")) return text;  // duplicate key
        break;
      case 6:
        if (replace("\"Statement\":[", "\"Statement\":[],\"X\":[")) return text;
        break;
      case 7:
        if (kind == PolicyKind::kTrust && replace("\"Principal\"", "\"NotPrincipal\"")) return text;
        break;
      case 8:
        if (replace("\"Version\":\"2012-10-17\"", "\"Version\":\"2012-10-18\"")) return text;
        break;
      case 9:
        if (replace("\"Action\":", "\"Action\":[],\"Sid2\":")) return text;
        break;
    }
  }
  return "{\"Statement\":[]}";
}

}  // namespace redtrust::property

#endif  // REDTRUST_TESTS_ENGINE_PROPERTY_POLICY_GEN_H_
