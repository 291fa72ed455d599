#include "tools/redtrustd/http_api.h"

#include <charconv>
#include <chrono>
#include <exception>
#include <utility>

#include "engine/base/json.h"
#include "engine/condition/values.h"
#include "tools/questions/json_writer.h"
#include "tools/questions/can.h"
#include "tools/questions/lint.h"
#include "tools/questions/replay.h"
#include "tools/redtrustd/aws/aws_api.h"
#include "tools/redtrustd/metrics.h"
#include "tools/redtrustd/world_store.h"

namespace redtrust::server {

namespace {

constexpr std::string_view kJson = "application/json";

HttpResponse TextResponse(http::status status, unsigned version, std::string body,
                          std::string_view content_type) {
  HttpResponse r{status, version};
  r.set(http::field::content_type, content_type);
  r.body() = std::move(body);
  r.prepare_payload();
  return r;
}

// The path of a request target, without the query.
std::string_view PathOf(std::string_view target) {
  return target.substr(0, target.find('?'));
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The value of query parameter `name` (percent-decoded, '+' as space), or nullopt.
std::optional<std::string> QueryParam(std::string_view target, std::string_view name) {
  size_t q = target.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    size_t eq = pair.find('=');
    if (pair.substr(0, eq) != name) continue;
    std::string_view raw = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    std::string out;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '+') {
        out.push_back(' ');
      } else if (raw[i] == '%' && i + 2 < raw.size() && HexDigit(raw[i + 1]) >= 0 &&
                 HexDigit(raw[i + 2]) >= 0) {
        out.push_back(static_cast<char>(HexDigit(raw[i + 1]) * 16 + HexDigit(raw[i + 2])));
        i += 2;
      } else {
        out.push_back(raw[i]);
      }
    }
    return out;
  }
  return std::nullopt;
}

// A request body that is not the route's input: 400 with the error's position in the body.
struct BadRequest {
  std::string code = "request.invalid";
  std::string message;
  SourcePos pos;  // in the body; unknown when the problem has no place
  std::string findings;  // optional JSON array of policy findings (lint's shape)
};

std::string Where(const SourcePos& p) {
  return p.known() ? "body:" + std::to_string(p.line) + ":" + std::to_string(p.column) + ": "
                   : "";
}

HttpResponse BadRequestResponse(const BadRequest& b, unsigned version) {
  JsonWriter w;
  w.BeginObject().Key("error").BeginObject();
  w.Key("code").String(b.code).Key("message").String(Where(b.pos) + b.message);
  if (b.pos.known()) w.Key("line").Uint(b.pos.line).Key("column").Uint(b.pos.column);
  std::string out = w.Take();
  if (!b.findings.empty()) out += ",\"findings\":" + b.findings;
  out += "}}\n";
  return TextResponse(http::status::bad_request, version, std::move(out), kJson);
}

// Parses the whole body as one JSON value.
std::optional<BadRequest> ParseBody(std::string_view body, size_t max_bytes, bool reject_duplicates,
                                    JsonValue* out) {
  JsonOptions o;
  o.max_bytes = max_bytes;
  o.reject_duplicate_keys = reject_duplicates;
  if (auto err = ParseJson(body, o, out)) {
    BadRequest b;
    b.code = err->code;
    b.message = body.find_first_not_of(" \t\r\n") == std::string_view::npos
                    ? "empty body: expected JSON"
                    : err->message;
    b.pos = body.empty() ? SourcePos{} : err->pos;
    return b;
  }
  return std::nullopt;
}

// The members of a JSON object body, read with type checks; the first problem wins.
class ObjectReader {
 public:
  explicit ObjectReader(const JsonValue& v) : v_(v) {}

  // Every member must be one of `known`; `expected` lists them in the message.
  void OnlyKnown(std::initializer_list<std::string_view> known, std::string_view expected) {
    for (const JsonMember& m : v_.members) {
      bool ok = false;
      for (std::string_view k : known) ok = ok || m.key == k;
      if (!ok) Fail(m.key_pos, "unknown field `" + m.key + "`; expected " + std::string(expected));
    }
  }
  bool String(std::string_view key, bool required, std::string* out) {
    const JsonValue* v = v_.Find(key);
    if (!v) {
      if (required) Fail(v_.pos, "missing field `" + std::string(key) + "`");
      return false;
    }
    if (!v->is_string()) {
      Fail(v->pos, "`" + std::string(key) + "` must be a string");
      return false;
    }
    *out = v->text;
    return true;
  }
  void OptionalString(std::string_view key, std::optional<std::string>* out) {
    std::string s;
    if (String(key, false, &s)) *out = std::move(s);
  }
  void Bool(std::string_view key, bool* out) {
    const JsonValue* v = v_.Find(key);
    if (!v) return;
    if (v->kind != JsonValue::Kind::kBool) return Fail(v->pos, "`" + std::string(key) + "` must be true or false");
    *out = v->bool_value;
  }
  void Count(std::string_view key, size_t* out) {
    const JsonValue* v = v_.Find(key);
    if (!v) return;
    size_t n = 0;
    const std::string& t = v->text;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
    if (v->kind != JsonValue::Kind::kNumber || ec != std::errc() || end != t.data() + t.size()) {
      return Fail(v->pos, "`" + std::string(key) + "` must be a non-negative integer");
    }
    *out = n;
  }
  // A policy given as a JSON string (its text) or inline as an object (its text in the body).
  bool Policy(std::string_view key, std::string_view body, std::string* text) {
    const JsonValue* v = v_.Find(key);
    if (!v) {
      Fail(v_.pos, "missing field `" + std::string(key) + "`");
      return false;
    }
    if (v->is_string()) {
      *text = v->text;
    } else if (v->is_object()) {
      *text = std::string(body.substr(v->pos.offset, v->end_offset - v->pos.offset));
    } else {
      Fail(v->pos, "`" + std::string(key) + "` must be a policy document (an object) or its text "
                   "(a string)");
      return false;
    }
    return true;
  }
  void Fail(const SourcePos& pos, std::string message) {
    if (error) return;
    error = BadRequest{"request.invalid", std::move(message), pos, ""};
  }

  std::optional<BadRequest> error;

 private:
  const JsonValue& v_;
};

std::string FindingsJson(const Diagnostics& diagnostics) {
  // The findings array of LintJson, cut out of it so both stay one shape.
  tools::LintResult r;
  r.diagnostics = diagnostics;
  std::string lint = tools::LintJson("", PolicyKind::kTrust, r);
  size_t start = lint.find("\"findings\":") + 11;
  return lint.substr(start, lint.size() - start - 1);
}

void CountDecision(Outcome* o, bool allowed, bool error) {
  if (error) {
    ++o->decisions_error;
    o->decision = "error";
  } else if (allowed) {
    ++o->decisions_allowed;
    o->decision = "allowed";
  } else {
    ++o->decisions_denied;
    o->decision = "denied";
  }
}

// A bad request on a route that answers authorization questions: an "error" outcome.
HttpResponse DecisionBadRequest(const BadRequest& b, unsigned version, Outcome* o) {
  CountDecision(o, false, true);
  return BadRequestResponse(b, version);
}

bool IsSqlContentType(std::string_view ct) {
  std::string_view base = ct.substr(0, ct.find(';'));
  while (!base.empty() && base.back() == ' ') base.remove_suffix(1);
  return base == "application/sql" || base == "application/x-sql" || base == "text/x-sql" ||
         base == "text/sql";
}

}  // namespace

HttpResponse ErrorResponse(http::status status, unsigned version, std::string_view code,
                           std::string_view message, uint32_t line, uint32_t column) {
  JsonWriter w;
  w.BeginObject().Key("error").BeginObject().Key("code").String(code).Key("message").String(message);
  if (line) w.Key("line").Uint(line).Key("column").Uint(column);
  w.EndObject().EndObject();
  std::string body = w.Take();
  body.push_back('\n');
  return TextResponse(status, version, std::move(body), kJson);
}

HttpApi::HttpApi(ApiOptions options, WorldStore* worlds, Metrics* metrics, AwsApi* aws)
    : options_(std::move(options)), worlds_(worlds), metrics_(metrics), aws_(aws) {}
HttpApi::~HttpApi() = default;

int64_t HttpApi::Now() const {
  if (options_.now_micros) return *options_.now_micros;
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::unique_ptr<EvalSession> HttpApi::AcquireSession() {
  {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    if (!sessions_.empty()) {
      std::unique_ptr<EvalSession> s = std::move(sessions_.back());
      sessions_.pop_back();
      return s;
    }
  }
  EvalSessionOptions o;
  o.validate.max_policy_chars = options_.max_policy_chars;
  o.max_line_bytes = options_.max_body_bytes;
  return std::make_unique<EvalSession>(o);
}

void HttpApi::ReleaseSession(std::unique_ptr<EvalSession> s) {
  std::lock_guard<std::mutex> lock(sessions_mu_);
  sessions_.push_back(std::move(s));
}

HttpResponse HttpApi::Handle(const HttpRequest& request, Outcome* outcome) {
  try {
    return Route(request, outcome);
  } catch (const std::exception& e) {
    if (outcome->route.empty()) outcome->route = "unknown";
    outcome->decision = "error";
    return ErrorResponse(http::status::internal_server_error, request.version(), "internal",
                         std::string("internal error: ") + e.what());
  } catch (...) {
    if (outcome->route.empty()) outcome->route = "unknown";
    outcome->decision = "error";
    return ErrorResponse(http::status::internal_server_error, request.version(), "internal",
                         "internal error");
  }
}

HttpResponse HttpApi::Route(const HttpRequest& request, Outcome* outcome) {
  if (aws_ && AwsApi::IsAwsRequest(request)) {
    std::shared_ptr<const sim::World> world = worlds_->Get();
    return aws_->Handle(request, *world, outcome);
  }
  struct RouteDef {
    std::string_view path;
    http::verb method;
    HttpResponse (HttpApi::*handler)(const HttpRequest&, Outcome*);
  };
  static constexpr RouteDef kRoutes[] = {
      {"/v1/eval", http::verb::post, &HttpApi::Eval},
      {"/v1/can", http::verb::post, &HttpApi::Can},
      {"/v1/replay", http::verb::post, &HttpApi::Replay},
      {"/v1/lint", http::verb::post, &HttpApi::Lint},
      {"/healthz", http::verb::get, &HttpApi::Healthz},
      {"/metrics", http::verb::get, &HttpApi::MetricsText},
  };
  const std::string_view path = PathOf(request.target());
  for (const RouteDef& r : kRoutes) {
    if (path != r.path) continue;
    outcome->route = std::string(r.path);
    if (request.method() != r.method) {
      HttpResponse resp = ErrorResponse(
          http::status::method_not_allowed, request.version(), "http.method_not_allowed",
          "`" + std::string(request.method_string()) + "` is not allowed on " +
              std::string(r.path) + "; use " + std::string(http::to_string(r.method)));
      resp.set(http::field::allow, http::to_string(r.method));
      return resp;
    }
    return (this->*r.handler)(request, outcome);
  }
  outcome->route = "unknown";
  return ErrorResponse(http::status::not_found, request.version(), "http.not_found",
                       "no route for `" + SanitizeForMessage(std::string(path)) +
                           "`; routes: POST /v1/eval, /v1/can, /v1/replay, /v1/lint; "
                           "GET /healthz, /metrics");
}

// ---- POST /v1/eval

HttpResponse HttpApi::Eval(const HttpRequest& request, Outcome* outcome) {
  const std::string& body = request.body();
  const unsigned version = request.version();
  const size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string::npos || (body[first] != '{' && body[first] != '[')) {
    BadRequest b{"request.invalid", "expected a request object, or an array of them", {}, ""};
    if (first == std::string::npos) {
      b.message = "empty body: " + b.message;
    } else {
      b.pos = PositionOfOffset(body, first);
    }
    return DecisionBadRequest(b, version, outcome);
  }
  const int64_t now = Now();
  std::unique_ptr<EvalSession> session = AcquireSession();
  struct Release {
    HttpApi* api;
    std::unique_ptr<EvalSession>* s;
    ~Release() { api->ReleaseSession(std::move(*s)); }
  } release{this, &session};

  if (body[first] == '{') {
    // The hot path: one request, parsed once (its policies are cached by their text).
    EvalSession::Result r = session->EvaluateText(body, SourcePos{1, 1, 0}, now);
    CountDecision(outcome, r.allowed, r.is_error);
    if (r.is_error) {
      // A body that is not JSON is a bad request (400); JSON that is not a valid request gets
      // the eval line with its errors (422). Duplicate keys are the request's own error.
      JsonValue v;
      if (auto bad = ParseBody(body, options_.max_body_bytes, false, &v)) {
        return BadRequestResponse(*bad, version);
      }
      r.json.push_back('\n');
      return TextResponse(http::status::unprocessable_entity, version, std::move(r.json), kJson);
    }
    r.json.push_back('\n');
    return TextResponse(http::status::ok, version, std::move(r.json), kJson);
  }
  JsonValue array;
  if (auto bad = ParseBody(body, options_.max_body_bytes, false, &array)) {
    return DecisionBadRequest(*bad, version, outcome);
  }
  std::string out = "[";
  for (size_t i = 0; i < array.items.size(); ++i) {
    const JsonValue& item = array.items[i];
    std::string_view text(body.data() + item.pos.offset, item.end_offset - item.pos.offset);
    EvalSession::Result r = session->EvaluateText(text, item.pos, now);
    CountDecision(outcome, r.allowed, r.is_error);
    if (i) out.push_back(',');
    out += r.json;
  }
  out += "]\n";
  return TextResponse(http::status::ok, version, std::move(out), kJson);
}

// ---- POST /v1/can

HttpResponse HttpApi::Can(const HttpRequest& request, Outcome* outcome) {
  const std::string& body = request.body();
  const unsigned version = request.version();
  JsonValue v;
  if (auto bad = ParseBody(body, options_.max_body_bytes, true, &v)) {
    return DecisionBadRequest(*bad, version, outcome);
  }
  if (!v.is_object()) {
    return DecisionBadRequest({"request.invalid", "a question is a JSON object", v.pos, ""},
                              version, outcome);
  }
  ObjectReader in(v);
  if (!v.Find("trust_policy")) {
    // World form: the full Redshift answer from the served world (gates P4-P7).
    in.OnlyKnown({"user", "cluster", "role", "for"},
                 "user, cluster, role, for (world form) or trust_policy, trust_policy_name, "
                 "user, cluster, region, account, role_arn, context, now, max_policy_chars "
                 "(trust-policy form)");
    std::string user, cluster, role, for_text = "all";
    in.String("user", true, &user);
    in.String("cluster", true, &cluster);
    in.String("role", true, &role);
    in.String("for", false, &for_text);
    std::optional<tools::CanFor> for_command = tools::ParseCanFor(for_text);
    if (!for_command) in.Fail(v.Find("for")->pos, "`for` must be copy, unload or all");
    if (in.error) return DecisionBadRequest(*in.error, version, outcome);
    std::shared_ptr<const sim::World> world = worlds_->Get();
    auto answer = tools::AnswerCanWorld(*world, user, cluster, role, *for_command, Now());
    if (!answer.ok()) {
      return DecisionBadRequest({"world.not_found", answer.status().message(), {}, ""}, version,
                                outcome);
    }
    if (answer->any_error) {
      std::string messages;
      for (const auto& r : answer->records) {
        if (r.result.evaluated) continue;
        if (!messages.empty()) messages += "; ";
        messages += r.result.message;
      }
      return DecisionBadRequest({"request.not_evaluated", messages, {}, ""}, version, outcome);
    }
    CountDecision(outcome, answer->allowed, false);
    return TextResponse(http::status::ok, version, tools::CanWorldJson(*answer) + "\n", kJson);
  }

  // Trust-policy form: Redshift's request decided by one trust policy (E3).
  in.OnlyKnown({"trust_policy", "trust_policy_name", "user", "cluster", "region", "account",
                "role_arn", "context", "now", "max_policy_chars"},
               "trust_policy, trust_policy_name, user, cluster, region, account, role_arn, "
               "context, now, max_policy_chars");
  tools::CanTrustQuestion q;
  std::string policy_text, policy_name = "trust_policy";
  size_t max_policy_chars = options_.max_policy_chars;
  in.Policy("trust_policy", body, &policy_text);
  in.String("trust_policy_name", false, &policy_name);
  in.String("user", true, &q.user);
  in.String("cluster", true, &q.cluster);
  in.String("region", true, &q.region);
  in.String("account", true, &q.account);
  in.OptionalString("role_arn", &q.role_arn);
  in.Count("max_policy_chars", &max_policy_chars);
  q.now_micros = Now();
  if (const JsonValue* now = v.Find("now")) {
    std::optional<int64_t> t;
    if (now->is_string() || now->kind == JsonValue::Kind::kNumber) t = ParseDate(now->text);
    if (!t) {
      in.Fail(now->pos, "`now` must be an ISO 8601 date (2026-01-01T00:00:00Z) or epoch seconds");
    } else {
      q.now_micros = *t;
    }
  }
  if (const JsonValue* context = v.Find("context")) {
    if (!context->is_object()) in.Fail(context->pos, "`context` must be an object of key -> value");
    for (const JsonMember& m : context->members) {
      auto scalar = [](const JsonValue& x) {
        return x.is_string() || x.kind == JsonValue::Kind::kNumber ||
               x.kind == JsonValue::Kind::kBool;
      };
      if (m.key.find(':') == std::string::npos) {
        in.Fail(m.key_pos, "context key `" + m.key + "` must be `prefix:name`, e.g. aws:SourceAccount");
      } else if (scalar(m.value)) {
        q.context.emplace_back(m.key, m.value.text);
      } else if (m.value.is_array()) {
        for (const JsonValue& item : m.value.items) {
          if (!scalar(item)) {
            in.Fail(item.pos, "context value of `" + m.key +
                                  "` must be a string, number, boolean or an array of them");
          }
          q.context.emplace_back(m.key, item.text);
        }
      } else {
        in.Fail(m.value.pos, "context value of `" + m.key +
                                 "` must be a string, number, boolean or an array of them");
      }
    }
  }
  if (in.error) return DecisionBadRequest(*in.error, version, outcome);
  auto role_arn = tools::CheckCanTrustQuestion(q, tools::FieldStyle::kJsonField);
  if (!role_arn.ok()) {
    return DecisionBadRequest({"request.invalid", role_arn.status().message(), {}, ""}, version,
                              outcome);
  }
  tools::CompiledTrustPolicy trust =
      tools::CompileTrustPolicy(policy_text, policy_name, max_policy_chars);
  if (!trust.policy) {
    return DecisionBadRequest(
        {trust.code, trust.status.message(), {}, FindingsJson(trust.diagnostics)}, version,
        outcome);
  }
  auto answer = tools::AnswerCanTrust(q, *role_arn, *trust.policy);
  if (!answer.ok()) {
    const bool sts = answer.status().message().rfind("STS would reject", 0) == 0;
    return DecisionBadRequest(
        {sts ? "sts.validation" : "request.invalid", answer.status().message(), {}, ""}, version,
        outcome);
  }
  CountDecision(outcome, answer->allowed, false);
  return TextResponse(http::status::ok, version, tools::CanTrustJson(*answer) + "\n", kJson);
}

// ---- POST /v1/replay

HttpResponse HttpApi::Replay(const HttpRequest& request, Outcome* outcome) {
  const std::string& body = request.body();
  const unsigned version = request.version();
  const std::string source = QueryParam(request.target(), "source").value_or("body");
  std::shared_ptr<const sim::World> world = worlds_->Get();  // one world for the whole request
  const int64_t now = Now();  // one clock for the whole request; a record's `time` overrides it
  sim::ReplayOptions options;
  options.trace = true;  // the JSON has the full gate trace, as `redtrust replay --json`
  tools::SqlCache cache;
  std::string out;
  auto add = [&](const tools::ReplayRecord& r, bool array) {
    CountDecision(outcome, r.result.evaluated && r.result.allowed, !r.result.evaluated);
    if (array && out.size() > 1) out.push_back(',');
    out += tools::ReplayJson(r);
    if (!array) out.push_back('\n');
  };
  const size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) {
    return DecisionBadRequest(
        {"request.invalid", "empty body: expected records (a JSON array, JSON Lines or SQL)", {}, ""},
        version, outcome);
  }
  if (IsSqlContentType(request[http::field::content_type])) {
    tools::ReplayScript(*world, source, body, options, now,
                        [&](tools::ReplayRecord&& r) { add(r, false); });
    return TextResponse(http::status::ok, version, std::move(out), "application/x-ndjson");
  }
  if (body[first] == '[') {
    JsonValue array;
    if (auto bad = ParseBody(body, options_.max_body_bytes, true, &array)) {
      return DecisionBadRequest(*bad, version, outcome);
    }
    out = "[";
    for (size_t i = 0; i < array.items.size(); ++i) {
      add(tools::ReplayJsonRecord(*world, cache, options, now, array.items[i],
                                  tools::RecordSource{source, 1}, "record " + std::to_string(i + 1)),
          true);
    }
    out += "]\n";
    return TextResponse(http::status::ok, version, std::move(out), kJson);
  }
  // JSON Lines, split as `redtrust replay` reads a file: a final line without a newline counts,
  // a trailing newline does not start another line, "\r\n" is accepted.
  std::string_view rest = body;
  uint64_t line_number = 0;
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    if (nl != std::string_view::npos && !line.empty() && line.back() == '\r') line.remove_suffix(1);
    add(tools::ReplayJsonLine(*world, cache, options, now, line, source, ++line_number), false);
  }
  return TextResponse(http::status::ok, version, std::move(out), "application/x-ndjson");
}

// ---- POST /v1/lint

HttpResponse HttpApi::Lint(const HttpRequest& request, Outcome* outcome) {
  const std::string& body = request.body();
  const unsigned version = request.version();
  JsonValue v;
  if (auto bad = ParseBody(body, options_.max_body_bytes, true, &v)) {
    return BadRequestResponse(*bad, version);
  }
  if (!v.is_object()) {
    return BadRequestResponse({"request.invalid", "a lint request is a JSON object", v.pos, ""},
                              version);
  }
  ObjectReader in(v);
  in.OnlyKnown({"policy", "kind", "name", "security", "max_policy_chars"},
               "policy, kind, name, security, max_policy_chars");
  std::string text, kind = "trust", name = "policy";
  tools::LintOptions options;
  options.max_policy_chars = options_.max_policy_chars;
  in.Policy("policy", body, &text);
  in.String("kind", false, &kind);
  in.String("name", false, &name);
  in.Bool("security", &options.security);
  in.Count("max_policy_chars", &options.max_policy_chars);
  std::optional<PolicyKind> k = tools::ParsePolicyKind(kind);
  if (!k) in.Fail(v.Find("kind")->pos, "`kind` must be trust, identity or resource");
  if (in.error) return BadRequestResponse(*in.error, version);
  options.kind = *k;
  tools::LintResult result = tools::LintPolicy(text, options);
  outcome->decision = "";
  return TextResponse(http::status::ok, version, tools::LintJson(name, options.kind, result) + "\n",
                      kJson);
}

// ---- GET /healthz, GET /metrics

HttpResponse HttpApi::Healthz(const HttpRequest& request, Outcome*) {
  std::shared_ptr<const sim::World> world = worlds_->Get();
  JsonWriter w;
  w.BeginObject().Key("status").String("ok").Key("world").BeginObject();
  w.Key("path").String(worlds_->path()).Key("generation").Uint(worlds_->generation());
  w.Key("accounts").Uint(world->accounts().size()).Key("roles").Uint(world->roles().size());
  w.Key("clusters").Uint(world->clusters().size());
  w.EndObject().EndObject();
  std::string out = w.Take();
  out.push_back('\n');
  return TextResponse(http::status::ok, request.version(), std::move(out), kJson);
}

HttpResponse HttpApi::MetricsText(const HttpRequest& request, Outcome*) {
  std::string text = metrics_ ? metrics_->Render(worlds_) : std::string();
  if (aws_) {
    text += "# HELP redtrustd_aws_issued_credentials Temporary credentials issued by "
            "sts:AssumeRole and still held.\n"
            "# TYPE redtrustd_aws_issued_credentials gauge\n"
            "redtrustd_aws_issued_credentials " + std::to_string(aws_->issued_credentials()) + "\n";
  }
  return TextResponse(http::status::ok, request.version(), std::move(text),
                      "text/plain; version=0.0.4; charset=utf-8");
}

}  // namespace redtrust::server
