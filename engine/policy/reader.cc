// Structural reading of a policy document (rules G1, G3, G4, G8, G11, G13, G14).
//
// The reader checks the shape of the document: JSON types, known keys, mutually exclusive
// elements. It does not judge values (Effect spelling, ARN syntax, operator names); that is
// validate.cc's job, so that one run reports every problem with AWS's own wording.
#include "engine/policy/reader.h"

#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>

namespace redtrust {

const char* PolicyKindName(PolicyKind k) {
  switch (k) {
    case PolicyKind::kTrust:
      return "trust";
    case PolicyKind::kIdentity:
      return "identity";
    case PolicyKind::kResource:
      return "resource";
  }
  return "trust";
}

const char* PrincipalTypeName(PrincipalType t) {
  switch (t) {
    case PrincipalType::kAWS:
      return "AWS";
    case PrincipalType::kService:
      return "Service";
    case PrincipalType::kFederated:
      return "Federated";
    case PrincipalType::kCanonicalUser:
      return "CanonicalUser";
  }
  return "AWS";
}

namespace {

// "a string", "an array", ... for messages.
const char* Describe(const JsonValue& v) { return JsonKindWithArticle(v.kind); }

char AsciiLowerChar(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// Case-insensitive Levenshtein distance, for "did you mean" on misspelt keys.
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      const bool same = AsciiLowerChar(a[i - 1]) == AsciiLowerChar(b[j - 1]);
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// "did you mean `X`?" for the closest valid key (case-insensitive distance <= 2), or "".
std::string SuggestKey(std::string_view bad, std::initializer_list<std::string_view> valid) {
  if (bad.size() > 64) return "";
  std::string_view best;
  size_t best_distance = 3;
  for (std::string_view v : valid) {
    const size_t d = EditDistance(bad, v);
    if (d < best_distance) {
      best_distance = d;
      best = v;
    }
  }
  if (best.empty()) return "";
  return "did you mean `" + std::string(best) + "`?";
}

// Code points outside JSON-insignificant white space (rule G14). Escapes count as
// written (`\u00e9` is six characters), since AWS measures the submitted document.
// REQUIRES: text is one well-formed JSON value (strings are closed, escapes complete).
size_t CountSignificantCodePoints(std::string_view text) {
  // Every byte that starts a code point (a loop the compiler vectorizes), minus the white space
  // between tokens. Strings are skipped with memchr, so a 10 MB policy costs a few ms.
  size_t starts = 0;
  for (char c : text) starts += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  size_t white = 0;
  const char* p = text.data();
  const char* const end = p + text.size();
  while (p < end) {
    const char c = *p;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++white;
      ++p;
    } else if (c == '"') {
      // Find the closing quote: one preceded by an even number of backslashes.
      const char* q = p + 1;
      for (;;) {
        q = static_cast<const char*>(std::memchr(q, '"', static_cast<size_t>(end - q)));
        if (q == nullptr) return starts - white;  // unterminated: cannot happen (REQUIRES)
        size_t backslashes = 0;
        for (const char* b = q - 1; b > p && *b == '\\'; --b) ++backslashes;
        if (backslashes % 2 == 0) break;
        ++q;
      }
      p = q + 1;
    } else {
      ++p;
    }
  }
  return starts - white;
}

// JSON pointer of the object member whose key starts at `offset`, searching below `v`.
bool FindKeyPath(const JsonValue& v, uint64_t offset, const std::string& path, std::string* out) {
  if (offset < v.pos.offset) return false;
  // end_offset is 0 for a container cut short by a parse error: search it anyway.
  if (v.end_offset != 0 && offset >= v.end_offset) return false;
  if (v.is_object()) {
    for (const JsonMember& m : v.members) {
      const std::string member_path = JsonPointerAppend(path, m.key);
      if (m.key_pos.offset == offset) {
        *out = member_path;
        return true;
      }
      if (FindKeyPath(m.value, offset, member_path, out)) return true;
    }
  } else if (v.is_array()) {
    for (size_t i = 0; i < v.items.size(); ++i) {
      if (FindKeyPath(v.items[i], offset, JsonPointerAppend(path, i), out)) return true;
    }
  }
  return false;
}

// The number of values in `v` (itself included), counting no further than `limit` + 1.
uint64_t CountValues(const JsonValue& v, uint64_t limit) {
  uint64_t n = 1;
  for (const JsonValue& item : v.items) {
    if (n > limit) break;
    n += CountValues(item, limit - n);
  }
  for (const JsonMember& m : v.members) {
    if (n > limit) break;
    n += CountValues(m.value, limit - n);
  }
  return n;
}

bool IsScalar(const JsonValue& v) {
  return v.kind == JsonValue::Kind::kString || v.kind == JsonValue::Kind::kNumber ||
         v.kind == JsonValue::Kind::kBool;
}

class PolicyReader {
 public:
  PolicyReader(std::string_view base_path, Diagnostics* diags)
      : base_path_(base_path), diags_(diags) {}

  // Returns true when no structural error was found.
  bool Read(const JsonValue& root, PolicyDocument* doc) {
    doc->path = base_path_;
    doc->pos = root.pos;
    if (!root.is_object()) {
      Error("policy.not_object",
            std::string("a policy must be a JSON object, not ") + Describe(root), base_path_,
            root.pos);
      return false;
    }
    for (const JsonMember& m : root.members) {
      const std::string path = JsonPointerAppend(base_path_, m.key);
      if (m.key == "Version") {
        ReadOptionalString(m, path, "policy.version_type", &doc->version);
      } else if (m.key == "Id") {
        ReadOptionalString(m, path, "policy.id_type", &doc->id);
      } else if (m.key == "Statement") {
        ReadStatements(m, path, doc);
      } else {
        // `Conditions` too: moto accepts it at top level, AWS documents no such key (G1).
        Error("policy.unknown_key", "unknown key `" + SanitizeForMessage(m.key) + "` in policy",
              path, m.key_pos, SuggestKey(m.key, {"Version", "Id", "Statement"}));
      }
    }
    if (!doc->has_statement) {
      Error("policy.missing_statement", "policy has no `Statement`", base_path_, root.pos,
            "add \"Statement\": [...] with at least one statement");
    }
    return ok_;
  }

 private:
  void Error(const char* code, std::string message, std::string path, SourcePos pos,
             std::string help = {}) {
    ok_ = false;
    diags_->push_back(Diagnostic{Severity::kError, code, std::move(message), std::move(path), pos,
                                 std::move(help)});
  }

  static LocatedString Located(const JsonValue& v, std::string path) {
    return LocatedString{v.text, std::move(path), v.pos};
  }

  void ReadOptionalString(const JsonMember& m, const std::string& path, const char* code,
                          std::optional<LocatedString>* out) {
    if (!m.value.is_string()) {
      Error(code, "`" + m.key + "` must be a string, not " + Describe(m.value), path, m.value.pos);
      return;
    }
    *out = Located(m.value, path);
  }

  void ReadStatements(const JsonMember& m, const std::string& path, PolicyDocument* doc) {
    const JsonValue& v = m.value;
    doc->has_statement = true;
    doc->statement_pos = v.pos;
    if (v.is_object()) {
      doc->statements.emplace_back();
      ReadStatement(v, path, 0, &doc->statements.back());
    } else if (v.is_array()) {
      doc->statement_was_array = true;
      if (v.items.size() > kMaxPolicyStatements) {
        const JsonValue& first_over = v.items[kMaxPolicyStatements];
        Error("policy.too_many_statements",
              "policy has " + std::to_string(v.items.size()) + " statements; the limit is " +
                  std::to_string(kMaxPolicyStatements),
              JsonPointerAppend(path, kMaxPolicyStatements), first_over.pos,
              "split the policy (docs/limits.md)");
        return;
      }
      doc->statements.reserve(v.items.size());
      for (size_t i = 0; i < v.items.size(); ++i) {
        const JsonValue& item = v.items[i];
        const std::string item_path = JsonPointerAppend(path, i);
        if (!item.is_object()) {
          Error("policy.statement_type",
                std::string("each statement must be an object, not ") + Describe(item), item_path,
                item.pos);
          continue;
        }
        doc->statements.emplace_back();
        ReadStatement(item, item_path, i, &doc->statements.back());
      }
    } else {
      Error("policy.statement_type",
            std::string("`Statement` must be an object or an array of objects, not ") + Describe(v),
            path, v.pos);
    }
  }

  void ReadStatement(const JsonValue& v, const std::string& path, size_t index, Statement* st) {
    st->index = index;
    st->path = path;
    st->pos = v.pos;
    for (const JsonMember& m : v.members) {
      const std::string member_path = JsonPointerAppend(path, m.key);
      const std::string& k = m.key;
      if (k == "Sid") {
        ReadOptionalString(m, member_path, "statement.sid_type", &st->sid);
      } else if (k == "Effect") {
        ReadOptionalString(m, member_path, "statement.effect_type", &st->effect);
      } else if (k == "Principal" || k == "NotPrincipal") {
        if (st->principal.present) {
          Error("statement.both_principal_notprincipal",
                "a statement cannot have both `Principal` and `NotPrincipal`", member_path,
                m.key_pos);
          continue;
        }
        ReadPrincipal(m, member_path, k == "NotPrincipal", &st->principal);
      } else if (k == "Action" || k == "NotAction") {
        if (st->action.present) {
          Error("statement.both_action_notaction",
                "a statement cannot have both `Action` and `NotAction`", member_path, m.key_pos);
          continue;
        }
        ReadStringList(m, member_path, k == "NotAction", "statement.action_type", &st->action);
      } else if (k == "Resource" || k == "NotResource") {
        if (st->resource.present) {
          Error("statement.both_resource_notresource",
                "a statement cannot have both `Resource` and `NotResource`", member_path,
                m.key_pos);
          continue;
        }
        ReadStringList(m, member_path, k == "NotResource", "statement.resource_type",
                       &st->resource);
      } else if (k == "Condition") {
        ReadCondition(m, member_path, st);
      } else {
        Error("statement.unknown_key", "unknown key `" + SanitizeForMessage(k) + "` in statement",
              member_path, m.key_pos,
              SuggestKey(k, {"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction",
                             "Resource", "NotResource", "Condition"}));
      }
    }
  }

  // Action/NotAction/Resource/NotResource: a string or an array of strings (G7, G9).
  void ReadStringList(const JsonMember& m, const std::string& path, bool is_not, const char* code,
                      StringListElement* out) {
    const JsonValue& v = m.value;
    out->present = true;
    out->is_not = is_not;
    out->path = path;
    out->pos = v.pos;
    if (v.is_string()) {
      out->values.push_back(Located(v, path));
      return;
    }
    if (!v.is_array()) {
      Error(code, "`" + m.key + "` must be a string or an array of strings, not " + Describe(v),
            path, v.pos);
      return;
    }
    out->was_array = true;
    out->values.reserve(v.items.size());
    for (size_t i = 0; i < v.items.size(); ++i) {
      const JsonValue& item = v.items[i];
      std::string item_path = JsonPointerAppend(path, i);
      if (!item.is_string()) {
        Error(code,
              "`" + m.key + "` must be a string or an array of strings; item " + std::to_string(i) +
                  " is " + Describe(item),
              std::move(item_path), item.pos);
        continue;
      }
      out->values.push_back(Located(item, std::move(item_path)));
    }
  }

  // Principal/NotPrincipal: "*" or {"AWS"|"Service"|"Federated"|"CanonicalUser": string or
  // array of strings} (G8).
  void ReadPrincipal(const JsonMember& m, const std::string& path, bool is_not,
                     PrincipalElement* out) {
    const JsonValue& v = m.value;
    out->present = true;
    out->is_not = is_not;
    out->path = path;
    out->pos = v.pos;
    if (v.is_string()) {
      if (v.text == "*") {
        out->any = true;
        return;
      }
      Error("statement.principal_type",
            "`" + m.key + "` as a string must be `*`, not `" + SanitizeForMessage(v.text) + "`",
            path, v.pos,
            "name principals in an object, e.g. {\"AWS\": \"" + SanitizeForMessage(v.text) +
                "\"} or {\"Service\": \"" + SanitizeForMessage(v.text) + "\"}");
      return;
    }
    if (!v.is_object()) {
      Error("statement.principal_type",
            "`" + m.key + "` must be `*` or an object of principal types, not " + Describe(v), path,
            v.pos);
      return;
    }
    for (const JsonMember& t : v.members) {
      const std::string type_path = JsonPointerAppend(path, t.key);
      PrincipalType type;
      if (t.key == "AWS") {
        type = PrincipalType::kAWS;
      } else if (t.key == "Service") {
        type = PrincipalType::kService;
      } else if (t.key == "Federated") {
        type = PrincipalType::kFederated;
      } else if (t.key == "CanonicalUser") {
        type = PrincipalType::kCanonicalUser;
      } else {
        Error("principal.unknown_type",
              "unknown principal type `" + SanitizeForMessage(t.key) + "`", type_path, t.key_pos,
              SuggestKey(t.key, {"AWS", "Service", "Federated", "CanonicalUser"}));
        continue;
      }
      const JsonValue& tv = t.value;
      if (tv.is_string()) {
        out->entries.push_back(PrincipalEntry{type, Located(tv, type_path)});
      } else if (tv.is_array()) {
        for (size_t i = 0; i < tv.items.size(); ++i) {
          const JsonValue& item = tv.items[i];
          std::string item_path = JsonPointerAppend(type_path, i);
          if (!item.is_string()) {
            Error("principal.value_type",
                  "`" + t.key + "` principals must be a string or an array of strings; item " +
                      std::to_string(i) + " is " + Describe(item),
                  std::move(item_path), item.pos);
            continue;
          }
          out->entries.push_back(PrincipalEntry{type, Located(item, std::move(item_path))});
        }
      } else {
        Error("principal.value_type",
              "`" + t.key + "` principals must be a string or an array of strings, not " +
                  Describe(tv),
              type_path, tv.pos);
      }
    }
  }

  // Condition: {operator: {key: scalar | [scalar, ...]}} (G11). Numbers and booleans keep their
  // JSON text ("10", "true") and are marked from_json_string = false.
  void ReadCondition(const JsonMember& m, const std::string& path, Statement* st) {
    const JsonValue& v = m.value;
    if (!v.is_object()) {
      Error("statement.condition_type",
            std::string("`Condition` must be an object of condition operators, not ") + Describe(v),
            path, v.pos);
      return;
    }
    st->has_condition = true;
    st->condition_path = path;
    st->condition_pos = v.pos;
    st->condition_operators.reserve(v.members.size());
    for (const JsonMember& op : v.members) {
      const std::string op_path = JsonPointerAppend(path, op.key);
      st->condition_operators.push_back(LocatedString{op.key, op_path, op.key_pos});
      if (!op.value.is_object()) {
        Error("condition.block_type",
              "the block of condition operator `" + SanitizeForMessage(op.key) +
                  "` must be an object of condition keys, not " + Describe(op.value),
              op_path, op.value.pos);
        continue;
      }
      for (const JsonMember& key : op.value.members) {
        std::string key_path = JsonPointerAppend(op_path, key.key);
        ConditionEntry entry;
        entry.op = st->condition_operators.back();
        const JsonValue& kv = key.value;
        if (IsScalar(kv)) {
          entry.values.push_back(ConditionValue{Located(kv, key_path), kv.is_string()});
        } else if (kv.is_array()) {
          entry.was_array = true;
          entry.values.reserve(kv.items.size());
          for (size_t i = 0; i < kv.items.size(); ++i) {
            const JsonValue& item = kv.items[i];
            std::string item_path = JsonPointerAppend(key_path, i);
            if (!IsScalar(item)) {
              Error("condition.value_type",
                    "condition values must be strings, numbers or booleans; item " +
                        std::to_string(i) + " of `" + SanitizeForMessage(key.key) + "` is " +
                        Describe(item),
                    std::move(item_path), item.pos);
              continue;
            }
            entry.values.push_back(
                ConditionValue{Located(item, std::move(item_path)), item.is_string()});
          }
        } else {
          Error("condition.value_type",
                "the value of condition key `" + SanitizeForMessage(key.key) +
                    "` must be a string, number, boolean or an array of them, not " + Describe(kv),
                key_path, kv.pos);
        }
        entry.key = LocatedString{key.key, std::move(key_path), key.key_pos};
        st->conditions.push_back(std::move(entry));
      }
    }
  }

  std::string base_path_;
  Diagnostics* diags_;
  bool ok_ = true;
};

}  // namespace

bool ReadPolicyFromJson(const JsonValue& value, std::string_view base_path,
                        std::string_view source_text, PolicyDocument* doc, Diagnostics* diags) {
  *doc = PolicyDocument();
  if (CountValues(value, kMaxPolicyJsonValues) > kMaxPolicyJsonValues) {
    diags->push_back(Diagnostic{Severity::kError, "json.too_many_values",
                                "policy has more than " + std::to_string(kMaxPolicyJsonValues) +
                                    " values (docs/limits.md)",
                                std::string(base_path), value.pos, ""});
    return false;
  }
  // The value's own span: white space around it is insignificant anyway.
  const size_t begin =
      static_cast<size_t>(std::min<uint64_t>(value.pos.offset, source_text.size()));
  const size_t end =
      static_cast<size_t>(std::clamp<uint64_t>(value.end_offset, begin, source_text.size()));
  doc->size_without_whitespace = CountSignificantCodePoints(source_text.substr(begin, end - begin));
  PolicyReader reader(base_path, diags);
  return reader.Read(value, doc);
}

bool ReadPolicy(std::string_view text, const JsonOptions& json_options, PolicyDocument* doc,
                Diagnostics* diags) {
  *doc = PolicyDocument();
  JsonValue root;
  JsonOptions options = json_options;
  options.max_values = std::min(options.max_values, kMaxPolicyJsonValues);
  std::optional<JsonError> error = ParseJson(text, options, &root);
  if (error) {
    std::string path;
    if (error->code == "json.duplicate_key") {
      // The JSON layer knows offsets, not paths; the partial tree it leaves holds the second
      // key, so its path can be found there.
      FindKeyPath(root, error->pos.offset, "", &path);
    }
    diags->push_back(Diagnostic{Severity::kError, std::move(error->code), std::move(error->message),
                                std::move(path), error->pos, ""});
    return false;
  }
  return ReadPolicyFromJson(root, "", text, doc, diags);
}

ParsedPolicy ParsePolicy(std::string_view text, PolicyKind kind, const ValidateOptions& options) {
  ParsedPolicy result;
  if (ReadPolicy(text, JsonOptions(), &result.doc, &result.diagnostics)) {
    ValidatePolicy(result.doc, kind, options, &result.diagnostics);
  }
  SortDiagnostics(result.diagnostics);
  return result;
}

}  // namespace redtrust
