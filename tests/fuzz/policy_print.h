// A PolicyDocument written back as JSON, and equality of documents ignoring source positions:
// the print -> parse round trip of the policy fuzz target. The engine has no policy printer
// (policies are only read), so this one lives with the fuzz targets; it writes exactly what the
// reader keeps: key order, the string-or-array form of each element, condition values as
// strings or as the JSON number / boolean text they were written as.
#ifndef REDTRUST_TESTS_FUZZ_POLICY_PRINT_H_
#define REDTRUST_TESTS_FUZZ_POLICY_PRINT_H_

#include <optional>
#include <string>
#include <vector>

#include "engine/base/json.h"
#include "tools/questions/json_writer.h"
#include "engine/policy/document.h"

namespace redtrust::fuzz {

inline void PrintStringList(const StringListElement& e, std::string* out) {
  if (!e.was_array && e.values.size() == 1) {
    AppendJsonString(out, e.values[0].value);
    return;
  }
  out->push_back('[');
  for (size_t i = 0; i < e.values.size(); ++i) {
    if (i) out->push_back(',');
    AppendJsonString(out, e.values[i].value);
  }
  out->push_back(']');
}

inline void PrintPrincipal(const PrincipalElement& p, std::string* out) {
  if (p.any) {
    *out += "\"*\"";
    return;
  }
  // Entries are in document order, grouped by type key (a type key appears once per object).
  out->push_back('{');
  size_t i = 0;
  bool first_type = true;
  while (i < p.entries.size()) {
    const PrincipalType type = p.entries[i].type;
    size_t j = i;
    while (j < p.entries.size() && p.entries[j].type == type) ++j;
    if (!first_type) out->push_back(',');
    first_type = false;
    AppendJsonString(out, PrincipalTypeName(type));
    out->push_back(':');
    // The path of an array item ends in a digit index; a string value's path is the type's.
    const bool was_array = j - i > 1 || p.entries[i].value.path != JsonPointerAppend(p.path, PrincipalTypeName(type));
    if (was_array) out->push_back('[');
    for (size_t k = i; k < j; ++k) {
      if (k > i) out->push_back(',');
      AppendJsonString(out, p.entries[k].value.value);
    }
    if (was_array) out->push_back(']');
    i = j;
  }
  out->push_back('}');
}

inline void PrintConditionValue(const ConditionValue& v, std::string* out) {
  if (v.from_json_string) {
    AppendJsonString(out, v.text.value);
  } else {
    *out += v.text.value;  // a JSON number or boolean exactly as written
  }
}

inline void PrintCondition(const Statement& st, std::string* out) {
  out->push_back('{');
  for (size_t o = 0; o < st.condition_operators.size(); ++o) {
    const LocatedString& op = st.condition_operators[o];
    if (o) out->push_back(',');
    AppendJsonString(out, op.value);
    out->push_back(':');
    out->push_back('{');
    bool first = true;
    for (const ConditionEntry& c : st.conditions) {
      if (c.op.path != op.path) continue;
      if (!first) out->push_back(',');
      first = false;
      AppendJsonString(out, c.key.value);
      out->push_back(':');
      if (c.was_array) {
        out->push_back('[');
        for (size_t i = 0; i < c.values.size(); ++i) {
          if (i) out->push_back(',');
          PrintConditionValue(c.values[i], out);
        }
        out->push_back(']');
      } else {
        PrintConditionValue(c.values.at(0), out);
      }
    }
    out->push_back('}');
  }
  out->push_back('}');
}

inline void PrintStatement(const Statement& st, std::string* out) {
  out->push_back('{');
  bool first = true;
  auto key = [&](const char* k) {
    if (!first) out->push_back(',');
    first = false;
    AppendJsonString(out, k);
    out->push_back(':');
  };
  if (st.sid) {
    key("Sid");
    AppendJsonString(out, st.sid->value);
  }
  if (st.effect) {
    key("Effect");
    AppendJsonString(out, st.effect->value);
  }
  if (st.principal.present) {
    key(st.principal.is_not ? "NotPrincipal" : "Principal");
    PrintPrincipal(st.principal, out);
  }
  if (st.action.present) {
    key(st.action.is_not ? "NotAction" : "Action");
    PrintStringList(st.action, out);
  }
  if (st.resource.present) {
    key(st.resource.is_not ? "NotResource" : "Resource");
    PrintStringList(st.resource, out);
  }
  if (st.has_condition) {
    key("Condition");
    PrintCondition(st, out);
  }
  out->push_back('}');
}

// REQUIRES: doc came from ReadPolicy without structural errors.
inline std::string PrintPolicy(const PolicyDocument& doc) {
  std::string out = "{";
  bool first = true;
  auto key = [&](const char* k) {
    if (!first) out.push_back(',');
    first = false;
    AppendJsonString(&out, k);
    out.push_back(':');
  };
  if (doc.version) {
    key("Version");
    AppendJsonString(&out, doc.version->value);
  }
  if (doc.id) {
    key("Id");
    AppendJsonString(&out, doc.id->value);
  }
  if (doc.has_statement) {
    key("Statement");
    if (doc.statement_was_array) out.push_back('[');
    for (size_t i = 0; i < doc.statements.size(); ++i) {
      if (i) out.push_back(',');
      PrintStatement(doc.statements[i], &out);
    }
    if (doc.statement_was_array) out.push_back(']');
  }
  out.push_back('}');
  return out;
}

// ---- Equality ignoring positions (paths are compared: they follow from the structure).

inline bool SameLocated(const LocatedString& a, const LocatedString& b) {
  return a.value == b.value && a.path == b.path;
}
inline bool SameOptional(const std::optional<LocatedString>& a,
                         const std::optional<LocatedString>& b) {
  return a.has_value() == b.has_value() && (!a || SameLocated(*a, *b));
}
inline bool SameList(const StringListElement& a, const StringListElement& b) {
  if (a.present != b.present || a.is_not != b.is_not || a.was_array != b.was_array ||
      a.path != b.path || a.values.size() != b.values.size()) {
    return false;
  }
  for (size_t i = 0; i < a.values.size(); ++i) {
    if (!SameLocated(a.values[i], b.values[i])) return false;
  }
  return true;
}
inline bool SamePrincipal(const PrincipalElement& a, const PrincipalElement& b) {
  if (a.present != b.present || a.is_not != b.is_not || a.any != b.any || a.path != b.path ||
      a.entries.size() != b.entries.size()) {
    return false;
  }
  for (size_t i = 0; i < a.entries.size(); ++i) {
    if (a.entries[i].type != b.entries[i].type ||
        !SameLocated(a.entries[i].value, b.entries[i].value)) {
      return false;
    }
  }
  return true;
}
inline bool SameStatement(const Statement& a, const Statement& b) {
  if (a.index != b.index || a.path != b.path || !SameOptional(a.sid, b.sid) ||
      !SameOptional(a.effect, b.effect) || !SamePrincipal(a.principal, b.principal) ||
      !SameList(a.action, b.action) || !SameList(a.resource, b.resource) ||
      a.has_condition != b.has_condition || a.condition_path != b.condition_path ||
      a.conditions.size() != b.conditions.size() ||
      a.condition_operators.size() != b.condition_operators.size()) {
    return false;
  }
  for (size_t i = 0; i < a.condition_operators.size(); ++i) {
    if (!SameLocated(a.condition_operators[i], b.condition_operators[i])) return false;
  }
  for (size_t i = 0; i < a.conditions.size(); ++i) {
    const ConditionEntry& x = a.conditions[i];
    const ConditionEntry& y = b.conditions[i];
    if (!SameLocated(x.op, y.op) || !SameLocated(x.key, y.key) || x.was_array != y.was_array ||
        x.values.size() != y.values.size()) {
      return false;
    }
    for (size_t v = 0; v < x.values.size(); ++v) {
      if (!SameLocated(x.values[v].text, y.values[v].text) ||
          x.values[v].from_json_string != y.values[v].from_json_string) {
        return false;
      }
    }
  }
  return true;
}
inline bool SamePolicy(const PolicyDocument& a, const PolicyDocument& b) {
  if (a.path != b.path || !SameOptional(a.version, b.version) || !SameOptional(a.id, b.id) ||
      a.has_statement != b.has_statement || a.statement_was_array != b.statement_was_array ||
      a.statements.size() != b.statements.size()) {
    return false;
  }
  for (size_t i = 0; i < a.statements.size(); ++i) {
    if (!SameStatement(a.statements[i], b.statements[i])) return false;
  }
  return true;
}

}  // namespace redtrust::fuzz

#endif  // REDTRUST_TESTS_FUZZ_POLICY_PRINT_H_
