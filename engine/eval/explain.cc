#include "engine/eval/explain.h"

namespace redtrust {

namespace {

std::string Quote(const std::string& s) { return "`" + s + "`"; }

std::string List(const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += ", ";
    out += Quote(v[i]);
  }
  return out + "]";
}

std::string DescribeCondition(const ConditionTrace& c) {
  std::string s = "condition " + c.op + " on " + Quote(c.key);
  if (c.pos.known()) s += " (line " + std::to_string(c.pos.line) + ")";
  if (!c.key_present) {
    s += ": the request has no " + Quote(c.key) + " (policy value" +
         (c.policy_values.size() == 1 ? " " + Quote(c.policy_values.front())
                                      : "s " + List(c.policy_values)) + ")";
    if (!c.note.empty()) s += ": " + c.note;
    return s;
  }
  if (c.request_values.size() == 1) {
    s += ": request value " + Quote(c.request_values.front());
  } else {
    s += ": request values " + List(c.request_values);
  }
  s += c.result ? " satisfies " : " does not satisfy ";
  s += c.policy_values.size() == 1 ? Quote(c.policy_values.front()) : List(c.policy_values);
  if (!c.note.empty()) s += " (" + c.note + ")";
  return s;
}

}  // namespace

std::string FormatStatementRef(const StatementRef& ref) {
  std::string s = ref.policy;
  if (ref.pos.known()) s += ":" + std::to_string(ref.pos.line) + ":" + std::to_string(ref.pos.column);
  s += " (statement " + std::to_string(ref.index);
  if (!ref.sid.empty()) s += ", Sid \"" + ref.sid + "\"";
  return s + ")";
}

std::vector<std::string> ExplainDecision(const Decision& d) {
  std::vector<std::string> out;
  out.push_back(d.reason);
  if (d.effect == Effect::kAllowed) {
    for (const StatementRef& r : d.matched) out.push_back("allowed by " + FormatStatementRef(r));
    return out;
  }
  if (d.effect == Effect::kExplicitDeny) {
    for (const StatementRef& r : d.matched) out.push_back("denied by " + FormatStatementRef(r));
    return out;
  }
  // Implicit deny: what each Allow statement lacked, starting with the ones that came closest.
  bool any_traced = false;
  for (const PolicyResult& p : d.policies) {
    for (const StatementTrace& t : p.trace) {
      any_traced = true;
      if (t.is_deny) continue;
      std::string head = FormatStatementRef(t.ref) + ": ";
      if (!t.action_matched) {
        out.push_back(head + "Action does not match the requested action");
        continue;
      }
      if (t.has_principal && t.principal == PrincipalMatch::kNone) {
        std::string line = head + "Principal " + List(t.principals) + " does not match the caller";
        if (!d.caller_names.empty()) line += " " + List(d.caller_names);
        out.push_back(line);
        continue;
      }
      if (!t.resource_matched) {
        out.push_back(head + "Resource does not match the requested resource");
        continue;
      }
      if (!t.conditions_matched) {
        for (const ConditionTrace& c : t.conditions) {
          if (!c.result) out.push_back(head + DescribeCondition(c));
        }
        continue;
      }
      if (t.has_principal && t.principal == PrincipalMatch::kAccountLevel) {
        out.push_back(head + "matches the caller only at account level, which delegates to the "
                             "caller's identity policies");
      } else {
        out.push_back(head + "applies, but is not enough on its own");
      }
    }
  }
  if (!any_traced && d.policies.empty()) out.push_back("no policy was evaluated");
  if (!d.missing_context_keys.empty()) {
    out.push_back("context keys the policies read but the request lacks: " +
                  List(d.missing_context_keys));
  }
  return out;
}

}  // namespace redtrust
