#include "engine/eval/compiled_policy.h"

#include <algorithm>

#include "engine/eval/compiled_policy_internal.h"
#include "engine/policy/arn.h"

namespace redtrust {

bool ParseTemplate(std::string_view text, Template* out) {
  out->clear();
  bool any_variable = false;
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) {
      out->push_back(TemplatePart{false, std::move(literal), false, false, ""});
      literal.clear();
    }
  };
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '{') {
      size_t close = text.find('}', i + 2);
      if (close == std::string_view::npos) {  // unclosed: literal text (rule V3)
        literal.append(text.substr(i));
        break;
      }
      std::string_view body = text.substr(i + 2, close - i - 2);
      if (body == "*" || body == "?" || body == "$") {  // rule V5
        flush();
        out->push_back(TemplatePart{false, std::string(body), true, false, ""});
        any_variable = true;
        i = close + 1;
        continue;
      }
      // ${key} or ${key, 'default'} (rule V4: comma, one space, single-quoted default).
      TemplatePart var;
      var.is_variable = true;
      std::string_view key = body;
      size_t comma = body.find(',');
      if (comma != std::string_view::npos) {
        key = body.substr(0, comma);
        std::string_view rest = body.substr(comma + 1);
        while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
        if (rest.size() >= 2 && rest.front() == '\'' && rest.back() == '\'') {
          var.has_default = true;
          var.default_value = std::string(rest.substr(1, rest.size() - 2));
        } else {
          literal.append(text.substr(i, close + 1 - i));  // not a variable: literal text
          i = close + 1;
          continue;
        }
      }
      while (!key.empty() && key.back() == ' ') key.remove_suffix(1);
      if (key.empty() || key.find(' ') != std::string_view::npos) {
        literal.append(text.substr(i, close + 1 - i));
        i = close + 1;
        continue;
      }
      flush();
      var.text = AsciiLower(key);
      out->push_back(std::move(var));
      any_variable = true;
      i = close + 1;
      continue;
    }
    literal.push_back(text[i]);
    ++i;
  }
  flush();
  return any_variable;
}

class PolicyCompiler {
 public:
  static StatusOr<std::shared_ptr<const CompiledPolicy>> Run(const PolicyDocument& doc,
                                                             PolicyKind kind, std::string id);
};

namespace {

// From this many plain StringLike values on, a condition uses one WildcardSet.
constexpr size_t kLikeSetThreshold = 4;

Status CompileAction(const LocatedString& s, ActionPattern* out) {
  out->written = s.value;
  if (s.value == "*") {
    out->any = true;
    return Status::Ok();
  }
  size_t colon = s.value.find(':');
  if (colon == std::string::npos || s.value.find(':', colon + 1) != std::string::npos) {
    return Status::InvalidArgument("invalid action `" + s.value + "`");
  }
  std::string_view name = std::string_view(s.value).substr(colon + 1);
  out->service_lower = AsciiLower(std::string_view(s.value).substr(0, colon));
  // An empty action name or one with white space never matches (rule M1, peer edge case).
  if (name.empty() || name.find_first_of(" \t\r\n") != std::string_view::npos) {
    out->never = true;
    return Status::Ok();
  }
  out->name.emplace(name, /*ignore_case=*/true);
  return Status::Ok();
}

Status CompilePrincipal(const PrincipalEntry& e, PrincipalPattern* out) {
  out->written = e.value.value;
  const std::string& v = e.value.value;
  switch (e.type) {
    case PrincipalType::kCanonicalUser:
      out->kind = PrincipalPattern::Kind::kNever;  // rule M10
      return Status::Ok();
    case PrincipalType::kService:
      out->kind = PrincipalPattern::Kind::kService;
      out->value = v;
      return Status::Ok();
    case PrincipalType::kFederated:
      out->kind = PrincipalPattern::Kind::kFederated;
      out->value = v;
      return Status::Ok();
    case PrincipalType::kAWS:
      break;
  }
  if (v == "*") {
    out->kind = PrincipalPattern::Kind::kAny;
    return Status::Ok();
  }
  if (IsAccountId(v)) {
    out->kind = PrincipalPattern::Kind::kAccount;
    out->account = v;
    return Status::Ok();
  }
  auto parts = SplitArn(v);
  if (!parts) return Status::InvalidArgument("invalid principal `" + v + "`");
  out->partition = std::string(parts->partition);
  out->account = std::string(parts->account);
  std::string_view res = parts->resource;
  if (parts->service == "iam" && res == "root") {
    out->kind = PrincipalPattern::Kind::kAccount;
  } else if (parts->service == "iam" && res.substr(0, 5) == "role/") {
    out->kind = PrincipalPattern::Kind::kRole;
    out->role_name = std::string(res.substr(res.rfind('/') + 1));
    out->value = v;
  } else {
    out->kind = PrincipalPattern::Kind::kExactArn;
    out->value = v;
  }
  return Status::Ok();
}

Status CompileConditionValue(const CompiledCondition& c, const ConditionValue& cv,
                             bool variables_enabled, PolicyValue* out) {
  out->text = cv.text.value;
  auto bad = [&](const char* what) {
    return Status::InvalidArgument("condition value `" + out->text + "` of `" + c.op_written +
                                   "` is not " + what);
  };
  if (variables_enabled && AllowsPolicyVariables(c.spec.base)) {
    out->has_template = ParseTemplate(out->text, &out->tmpl);
  }
  switch (c.type) {
    case ValueType::kString:
      if (c.cmp == Comparison::kLike && !out->has_template) out->glob.emplace(out->text, false);
      break;
    case ValueType::kArn:
      break;
    case ValueType::kNumeric: {
      auto n = ParseNumeric(out->text);
      if (!n) return bad("a number");
      out->number = *n;
      break;
    }
    case ValueType::kDate: {
      auto d = ParseDate(out->text);
      if (!d) return bad("a date");
      out->date = *d;
      break;
    }
    case ValueType::kBool: {
      auto b = ParseBool(out->text);
      if (!b) return bad("`true` or `false`");
      out->boolean = *b;
      break;
    }
    case ValueType::kIp: {
      auto cidr = ParseCidr(out->text);
      if (!cidr) return bad("an IP address or CIDR block");
      out->cidr = *cidr;
      break;
    }
    case ValueType::kNull: {
      auto b = ParseBool(out->text);
      if (!b) return bad("`true` or `false`");
      out->boolean = *b;
      break;
    }
    case ValueType::kBinary:
      break;
  }
  return Status::Ok();
}

}  // namespace

CompiledPolicy::CompiledPolicy() = default;
CompiledPolicy::~CompiledPolicy() = default;

StatusOr<std::shared_ptr<const CompiledPolicy>> CompiledPolicy::Compile(const PolicyDocument& doc,
                                                                        PolicyKind kind,
                                                                        std::string policy_id) {
  return PolicyCompiler::Run(doc, kind, std::move(policy_id));
}

StatusOr<std::shared_ptr<const CompiledPolicy>> PolicyCompiler::Run(const PolicyDocument& doc,
                                                                    PolicyKind kind,
                                                                    std::string id) {
  std::shared_ptr<CompiledPolicy> p(new CompiledPolicy());
  p->kind_ = kind;
  p->id_ = std::move(id);
  const bool vars = doc.policy_variables_enabled();
  if (doc.statements.empty()) return Status::InvalidArgument("policy has no statements");
  for (const Statement& st : doc.statements) {
    CompiledStatement cs;
    cs.ref.policy = p->id_;
    cs.ref.index = st.index;
    cs.ref.sid = st.sid ? st.sid->value : "";
    cs.ref.path = st.path;
    cs.ref.pos = st.pos;
    if (!st.effect || (st.effect->value != "Allow" && st.effect->value != "Deny")) {
      return Status::InvalidArgument("statement " + std::to_string(st.index) +
                                     " has no valid Effect");
    }
    cs.is_deny = st.effect->value == "Deny";
    if (!st.action.present || st.action.values.empty()) {
      return Status::InvalidArgument("statement " + std::to_string(st.index) + " has no Action");
    }
    cs.not_action = st.action.is_not;
    for (const auto& a : st.action.values) {
      ActionPattern ap;
      REDTRUST_RETURN_IF_ERROR(CompileAction(a, &ap));
      cs.actions.push_back(std::move(ap));
    }
    cs.has_principal = st.principal.present;
    cs.not_principal = st.principal.is_not;
    if (st.principal.present) {
      if (st.principal.any) {
        PrincipalPattern any;
        any.kind = PrincipalPattern::Kind::kAny;
        any.written = "*";
        cs.principals.push_back(std::move(any));
      }
      for (const auto& e : st.principal.entries) {
        PrincipalPattern pp;
        REDTRUST_RETURN_IF_ERROR(CompilePrincipal(e, &pp));
        cs.principals.push_back(std::move(pp));
      }
    }
    cs.has_resource = st.resource.present;
    cs.not_resource = st.resource.is_not;
    for (const auto& r : st.resource.values) {
      ResourcePattern rp;
      rp.written = r.value;
      rp.any = r.value == "*";
      if (vars && !rp.any) rp.has_template = ParseTemplate(r.value, &rp.tmpl);
      cs.resources.push_back(std::move(rp));
    }
    for (const ConditionEntry& ce : st.conditions) {
      auto spec = ParseOperatorName(ce.op.value);
      if (!spec) return Status::InvalidArgument("unknown condition operator `" + ce.op.value + "`");
      CompiledCondition cc;
      cc.spec = *spec;
      cc.type = OperatorValueType(spec->base);
      cc.cmp = OperatorComparison(spec->base);
      cc.negated = IsNegated(spec->base);
      cc.op_written = ce.op.value;
      cc.key_written = ce.key.value;
      cc.key_lower = AsciiLower(ce.key.value);
      cc.path = ce.key.path;
      cc.pos = ce.key.pos;
      if (ce.values.empty()) {
        return Status::InvalidArgument("condition `" + ce.op.value + "` on `" + ce.key.value +
                                       "` has no values");
      }
      for (const ConditionValue& v : ce.values) {
        PolicyValue pv;
        REDTRUST_RETURN_IF_ERROR(CompileConditionValue(cc, v, vars, &pv));
        if (cc.type == ValueType::kNull) {
          (pv.boolean ? cc.null_wants_absent : cc.null_wants_present) = true;
        }
        cc.values.push_back(std::move(pv));
      }
      // Many wildcard values under one Like operator: one RE2::Set scan pays off over one
      // match per value.
      if (cc.cmp == Comparison::kLike) {
        std::vector<std::string> plain;
        for (const PolicyValue& v : cc.values) {
          if (!v.has_template) plain.push_back(v.text);
        }
        if (plain.size() >= kLikeSetThreshold) {
          cc.like_set = std::make_shared<const WildcardSet>(plain, /*ignore_case=*/false);
        }
      }
      if (std::find(p->condition_keys_.begin(), p->condition_keys_.end(), cc.key_lower) ==
          p->condition_keys_.end()) {
        p->condition_keys_.push_back(cc.key_lower);
      }
      cs.conditions.push_back(std::move(cc));
    }
    p->statements_.push_back(std::move(cs));
  }
  return std::shared_ptr<const CompiledPolicy>(std::move(p));
}

}  // namespace redtrust
