#include "tools/questions/eval_json.h"

#include <unordered_map>
#include <vector>

#include "engine/base/json.h"
#include "engine/condition/values.h"
#include "engine/eval/compiled_policy.h"
#include "engine/eval/evaluator.h"
#include "tools/questions/json_writer.h"
#include "engine/policy/arn.h"
#include "engine/policy/reader.h"
#include "engine/sts/assume_role.h"

namespace redtrust {

namespace {

struct LineError {
  std::string code;
  std::string message;
  std::string path;
  SourcePos pos;
};

// A compiled policy or the reasons it could not be compiled. Positions are relative to the
// policy's own text (its `{` is line 1, column 1) so one entry serves every line that repeats
// the policy, wherever it stands in the line.
struct CacheEntry {
  std::shared_ptr<const CompiledPolicy> policy;
  Diagnostics errors;
};

// Maps a position relative to a piece of text (a request, a policy) that starts at `start` of the
// whole input back into the input. On the piece's first line only the column moves; on later
// lines (a pretty-printed HTTP body) only the line does. A JSON Lines line is one line.
SourcePos Shift(const SourcePos& rel, const SourcePos& start) {
  if (!rel.known()) return rel;
  SourcePos p;
  if (rel.line == 1) {
    p.line = start.line;
    p.column = start.column + rel.column - 1;
  } else {
    p.line = start.line + rel.line - 1;
    p.column = rel.column;
  }
  p.offset = start.offset + rel.offset;
  return p;
}

// The region label of a service principal "svc.REGION.amazonaws.com[.cn]", or "" when the name
// has no label there ("redshift.amazonaws.com").
std::string_view ServicePrincipalRegion(std::string_view name) {
  for (std::string_view suffix : {std::string_view(".amazonaws.com.cn"),
                                  std::string_view(".amazonaws.com")}) {
    if (name.size() <= suffix.size() || name.substr(name.size() - suffix.size()) != suffix) continue;
    std::string_view head = name.substr(0, name.size() - suffix.size());
    size_t dot = head.rfind('.');
    if (dot == std::string_view::npos) return "";
    return head.substr(dot + 1);
  }
  return "";
}

bool IsScalar(const JsonValue& v) {
  return v.kind == JsonValue::Kind::kString || v.kind == JsonValue::Kind::kNumber ||
         v.kind == JsonValue::Kind::kBool;
}

}  // namespace

struct EvalSession::Impl {
  EvalSessionOptions options;
  std::unordered_map<std::string, std::shared_ptr<const CacheEntry>> cache;
  std::string key_buf;

  std::shared_ptr<const CacheEntry> GetPolicy(std::string_view line, const JsonValue& v,
                                             const std::string& id, PolicyKind kind) {
    std::string_view text = line.substr(v.pos.offset, v.end_offset - v.pos.offset);
    key_buf.assign(id);
    key_buf.push_back('\0');
    key_buf.push_back(static_cast<char>('0' + static_cast<int>(kind)));
    key_buf.append(text);
    auto it = cache.find(key_buf);
    if (it != cache.end()) return it->second;
    auto entry = std::make_shared<CacheEntry>();
    ParsedPolicy parsed = ParsePolicy(text, kind, options.validate);
    for (Diagnostic& d : parsed.diagnostics) {
      if (d.severity != Severity::kError) continue;
      d.path = "/" + id + d.path;
      entry->errors.push_back(std::move(d));
    }
    if (entry->errors.empty()) {
      auto compiled = CompiledPolicy::Compile(parsed.doc, kind, id);
      if (compiled.ok()) {
        entry->policy = *compiled;
      } else {
        entry->errors.push_back(Diagnostic{Severity::kError, "policy.compile",
                                           compiled.status().message(), "/" + id, {}, ""});
      }
    }
    if (cache.size() >= options.policy_cache_entries) cache.clear();  // bounded memory
    std::shared_ptr<const CacheEntry> shared = entry;
    cache.emplace(key_buf, shared);
    return shared;
  }
};

EvalSession::EvalSession(EvalSessionOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
}
EvalSession::~EvalSession() = default;

std::string EvalSession::OversizeLine(uint64_t line_number, uint64_t length) const {
  JsonWriter w;
  w.BeginObject().Key("id").Null().Key("decision").String("error");
  w.Key("matched_statements").BeginArray().EndArray();
  w.Key("missing_context_keys").BeginArray().EndArray();
  w.Key("errors").BeginArray().BeginObject().Key("code").String("request.too_large");
  w.Key("message").String("line of " + std::to_string(length) + " bytes exceeds the limit of " +
                          std::to_string(impl_->options.max_line_bytes) + " bytes");
  w.Key("path").String("").Key("line").Uint(line_number).Key("column").Uint(1);
  w.EndObject().EndArray().EndObject();
  return w.Take();
}

std::string EvalSession::EvaluateLine(std::string_view line, uint64_t line_number, bool* is_error) {
  Result r = EvaluateText(line, SourcePos{static_cast<uint32_t>(line_number), 1, 0},
                          impl_->options.now_micros);
  *is_error = r.is_error;
  return std::move(r.json);
}

EvalSession::Result EvalSession::EvaluateText(std::string_view line, const SourcePos& line_start,
                                              int64_t now_micros) {
  std::vector<LineError> errors;
  std::string id;
  bool have_id = false;
  Decision decision;
  auto at = [&](const SourcePos& p) {  // a position inside the parsed text
    if (p.known()) return Shift(p, line_start);
    SourcePos q = p;
    q.line = line_start.line;
    return q;
  };
  // policy id -> where the policy starts in the line, for matched statements
  std::vector<std::pair<std::string, SourcePos>> policy_starts;

  [&] {
    if (line.size() > impl_->options.max_line_bytes) {
      errors.push_back({"request.too_large",
                        "line of " + std::to_string(line.size()) + " bytes exceeds the limit of " +
                            std::to_string(impl_->options.max_line_bytes) + " bytes",
                        "", line_start});
      return;
    }
    // Output line N answers input line N, so a blank line is answered too (with an error).
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
      errors.push_back({"request.empty_line", "empty line: expected one JSON request", "",
                        line_start});
      return;
    }
    JsonValue root;
    JsonOptions jo;
    jo.max_bytes = impl_->options.max_line_bytes;
    // Policies are parsed from their own text, once per distinct text (the cache), so the line
    // parse only delimits them.
    jo.deferred_keys = {"resource_policy", "identity_policies"};
    if (auto err = ParseJson(line, jo, &root)) {
      errors.push_back({err->code, err->message, "", at(err->pos)});
      return;
    }
    if (!root.is_object()) {
      errors.push_back({"request.invalid", "a request is a JSON object", "", at(root.pos)});
      return;
    }
    const JsonValue* principal = nullptr;
    const JsonValue* action = nullptr;
    const JsonValue* resource = nullptr;
    const JsonValue* resource_policy = nullptr;
    const JsonValue* identity = nullptr;
    const JsonValue* resource_account = nullptr;
    const JsonValue* context = nullptr;
    const JsonValue* now = nullptr;
    for (const JsonMember& m : root.members) {
      const std::string& k = m.key;
      if (k == "id") {
        if (!m.value.is_string()) {
          errors.push_back({"request.invalid", "`id` must be a string", "/id", at(m.value.pos)});
        } else {
          id = m.value.text;
          have_id = true;
        }
      } else if (k == "principal") principal = &m.value;
      else if (k == "action") action = &m.value;
      else if (k == "resource") resource = &m.value;
      else if (k == "resource_policy") resource_policy = &m.value;
      else if (k == "identity_policies") identity = &m.value;
      else if (k == "resource_account") resource_account = &m.value;
      else if (k == "context") context = &m.value;
      else if (k == "now") now = &m.value;
      else {
        errors.push_back({"request.unknown_field",
                          "unknown field `" + k + "`; expected id, principal, action, resource, "
                          "resource_policy, identity_policies, resource_account, context, now",
                          JsonPointerAppend("", k), at(m.key_pos)});
      }
    }
    Request req;
    auto need_string = [&](const JsonValue* v, const char* name) -> const std::string* {
      if (!v) {
        errors.push_back({"request.invalid", std::string("missing field `") + name + "`", "",
                          line_start});
        return nullptr;
      }
      if (!v->is_string() || v->text.empty()) {
        errors.push_back({"request.invalid", std::string("`") + name + "` must be a non-empty string",
                          std::string("/") + name, at(v->pos)});
        return nullptr;
      }
      return &v->text;
    };
    const std::string* action_s = need_string(action, "action");
    const std::string* resource_s = need_string(resource, "resource");
    if (action_s) {
      size_t colon = action_s->find(':');
      if (colon == std::string::npos || colon == 0 || colon + 1 == action_s->size()) {
        errors.push_back({"request.invalid", "`action` must be `service:Action`, e.g. `sts:AssumeRole`",
                          "/action", at(action->pos)});
      } else {
        req.action = *action_s;
      }
    }
    if (resource_s) {
      req.resource = *resource_s;
      if (auto parts = SplitArn(req.resource)) {
        req.resource_partition = std::string(parts->partition);
        req.resource_account = std::string(parts->account);
        if (!parts->region.empty()) {
          if (const char* why = RegionProblem(ClassifyRegion(parts->region),
                                              impl_->options.allow_unknown_regions)) {
            errors.push_back({"request.invalid",
                              "`resource` names region `" + SanitizeForMessage(parts->region) +
                                  "`, which " + why,
                              "/resource", at(resource->pos)});
          }
        }
      } else if (req.resource != "*") {
        errors.push_back({"request.invalid", "`resource` must be an ARN, e.g. `arn:aws:iam::123456789012:role/R`",
                          "/resource", at(resource->pos)});
      }
    }
    if (resource_account) {
      if (!resource_account->is_string() || !IsAccountId(resource_account->text)) {
        errors.push_back({"request.invalid", "`resource_account` must be a 12-digit account id",
                          "/resource_account", at(resource_account->pos)});
      } else {
        req.resource_account = resource_account->text;
      }
    }
    std::string partition = req.resource_partition.empty() ? "aws" : req.resource_partition;
    if (!principal) {
      errors.push_back({"request.invalid", "missing field `principal`", "", line_start});
    } else if (!principal->is_object() || principal->members.size() != 1 ||
               !principal->members[0].value.is_string()) {
      errors.push_back({"request.invalid",
                        "`principal` must be an object with one of AWS, Service or Federated "
                        "mapped to a string",
                        "/principal", at(principal->pos)});
    } else {
      const JsonMember& m = principal->members[0];
      StatusOr<Caller> c = Status::InvalidArgument("");
      if (m.key == "AWS") c = ParseAwsCaller(m.value.text, partition);
      else if (m.key == "Service") {
        std::string_view region = ServicePrincipalRegion(m.value.text);
        const RegionStatus status = ClassifyRegion(region);
        const char* why = status == RegionStatus::kNotARegionName
                              ? nullptr  // "redshift.amazonaws.com", or a label that is no region
                              : RegionProblem(status, impl_->options.allow_unknown_regions);
        if (why) {
          c = Status::InvalidArgument("the service principal names region `" +
                                      SanitizeForMessage(region) + "`, which " + why);
        } else {
          c = ParseServiceCaller(m.value.text);
        }
      }
      else if (m.key == "Federated") c = ParseFederatedCaller(m.value.text);
      else c = Status::InvalidArgument("unknown principal type `" + m.key + "`; expected AWS, Service or Federated");
      if (!c.ok()) {
        errors.push_back({"request.invalid", c.status().message(),
                          JsonPointerAppend("/principal", m.key), at(m.value.pos)});
      } else {
        // A caller of another partition is still evaluated: no principal entry matches across
        // partitions (rule M11), so the answer is a deny.
        req.caller = std::move(*c);
      }
    }
    if (context) {
      if (!context->is_object()) {
        errors.push_back({"request.invalid", "`context` must be an object of key -> value",
                          "/context", at(context->pos)});
      } else {
        size_t context_values = 0;
        for (const JsonMember& m : context->members) {
          std::string path = JsonPointerAppend("/context", m.key);
          context_values += m.value.is_array() ? m.value.items.size() : 1;
          if (context_values > impl_->options.max_context_values) {
            errors.push_back({"request.invalid",
                              "`context` has more than " +
                                  std::to_string(impl_->options.max_context_values) +
                                  " values (docs/limits.md)",
                              path, at(m.value.pos)});
            break;
          }
          std::vector<std::string> values;
          bool multi = false;
          bool ok = true;
          if (IsScalar(m.value)) {
            values.push_back(m.value.text);
          } else if (m.value.is_array()) {
            multi = true;
            for (const JsonValue& item : m.value.items) {
              if (!IsScalar(item)) {
                ok = false;
                break;
              }
              values.push_back(item.text);
            }
          } else {
            ok = false;
          }
          if (!ok || m.key.find(':') == std::string::npos) {
            errors.push_back({"request.invalid",
                              ok ? "context key `" + m.key + "` must be `prefix:name`"
                                 : "context value of `" + m.key +
                                       "` must be a string, number, boolean or an array of them",
                              path, at(m.value.pos)});
            continue;
          }
          req.context.Set(m.key, std::move(values), multi);
        }
      }
    }
    req.now_micros = now_micros;
    if (now) {
      std::optional<int64_t> t;
      if (now->is_string()) t = ParseDate(now->text);
      if (!t) {
        errors.push_back({"request.invalid", "`now` must be an ISO 8601 date or epoch seconds",
                          "/now", at(now->pos)});
      } else {
        req.now_micros = *t;
      }
    }
    // STS's own parameter checks run before any policy (rules S1-S3).
    if (action_s && EqualsIgnoreCaseAscii(*action_s, "sts:AssumeRole") && resource_s) {
      AssumeRoleParams p;
      p.role_arn = *resource_s;
      if (const ContextEntry* e = req.context.Find("sts:externalid")) {
        if (!e->values.empty()) p.external_id = e->values.front();
      }
      if (const ContextEntry* e = req.context.Find("sts:rolesessionname")) {
        if (!e->values.empty()) p.role_session_name = e->values.front();
      }
      auto violations = CheckAssumeRoleParams(p);
      if (!violations.empty()) {
        std::string path = violations.front().field == "roleArn" ? "/resource" : "/context";
        errors.push_back({"sts.validation", "ValidationError: " + ValidationErrorMessage(violations),
                          path, violations.front().field == "roleArn" ? at(resource->pos) : at(context ? context->pos : root.pos)});
      }
    }
    // Policies. Role assumption is decided by the role's trust policy; other actions, other
    // STS actions included (E4-STS), by a resource policy.
    const bool sts = action_s && ClassifyStsAction(*action_s) == StsActionKind::kRoleAssumption;
    std::shared_ptr<const CacheEntry> rp;
    std::vector<std::shared_ptr<const CacheEntry>> ips;
    auto add_policy_errors = [&](const CacheEntry& e, const SourcePos& start) {
      for (const Diagnostic& d : e.errors) {
        errors.push_back({d.code, d.message, d.path, d.pos.known() ? Shift(d.pos, start) : at(start)});
      }
    };
    if (resource_policy) {
      if (!resource_policy->is_object()) {
        errors.push_back({"request.invalid", "`resource_policy` must be a policy document (an object)",
                          "/resource_policy", at(resource_policy->pos)});
      } else {
        rp = impl_->GetPolicy(line, *resource_policy, "resource_policy",
                              sts ? PolicyKind::kTrust : PolicyKind::kResource);
        add_policy_errors(*rp, at(resource_policy->pos));
        policy_starts.emplace_back("resource_policy", at(resource_policy->pos));
      }
    }
    if (identity) {
      if (!identity->is_array()) {
        errors.push_back({"request.invalid", "`identity_policies` must be an array of policy documents",
                          "/identity_policies", at(identity->pos)});
      } else {
        for (size_t i = 0; i < identity->items.size(); ++i) {
          const JsonValue& v = identity->items[i];
          std::string pid = "identity_policies/" + std::to_string(i);
          if (!v.is_object()) {
            errors.push_back({"request.invalid", "an identity policy must be a policy document (an object)",
                              "/" + pid, at(v.pos)});
            continue;
          }
          ips.push_back(impl_->GetPolicy(line, v, pid, PolicyKind::kIdentity));
          add_policy_errors(*ips.back(), at(v.pos));
          policy_starts.emplace_back(pid, at(v.pos));
        }
      }
    }
    if (!errors.empty()) return;
    std::vector<const CompiledPolicy*> identity_ptrs;
    for (const auto& e : ips) identity_ptrs.push_back(e->policy.get());
    decision = Authorize(req, rp ? rp->policy.get() : nullptr, identity_ptrs);
  }();

  Result result;
  result.is_error = !errors.empty();
  result.allowed = !result.is_error && decision.effect == Effect::kAllowed;
  const bool* is_error = &result.is_error;
  JsonWriter w;
  w.BeginObject().Key("id");
  if (have_id) w.String(id); else w.Null();
  w.Key("decision").String(*is_error ? "error" : EffectName(decision.effect));
  w.Key("matched_statements").BeginArray();
  if (!*is_error) {
    for (const StatementRef& r : decision.matched) {
      SourcePos start;
      for (const auto& [pid, pos] : policy_starts) {
        if (pid == r.policy) start = pos;
      }
      SourcePos p = Shift(r.pos, start);
      w.BeginObject().Key("policy").String(r.policy).Key("index").Uint(r.index).Key("sid");
      if (r.sid.empty()) w.Null(); else w.String(r.sid);
      w.Key("line").Uint(p.line).Key("column").Uint(p.column).EndObject();
    }
  }
  w.EndArray().Key("missing_context_keys").BeginArray();
  if (!*is_error) {
    for (const std::string& k : decision.missing_context_keys) w.String(k);
  }
  w.EndArray().Key("errors").BeginArray();
  for (const LineError& e : errors) {
    w.BeginObject().Key("code").String(e.code).Key("message").String(e.message)
        .Key("path").String(e.path).Key("line").Uint(e.pos.line).Key("column").Uint(e.pos.column)
        .EndObject();
  }
  w.EndArray().EndObject();
  result.json = w.Take();
  return result;
}

}  // namespace redtrust
