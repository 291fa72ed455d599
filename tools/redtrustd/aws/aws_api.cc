// The AWS Query API front: parameters, the missing-Action redirect, SigV4 authentication,
// dispatch by the signature's service and the Version parameter, and the ErrorResponse XML.
// The order of these steps and every error text are documented with their sources in
// docs/aws-api.md.
#include "tools/redtrustd/aws/aws_api.h"

#include <openssl/sha.h>

#include <atomic>
#include <cctype>
#include <chrono>

#include "tools/redtrustd/aws/actions.h"
#include "tools/redtrustd/aws/credentials.h"
#include "tools/redtrustd/aws/query.h"
#include "tools/redtrustd/aws/sigv4.h"
#include "tools/redtrustd/aws/xml.h"

namespace redtrust::server {

using aws::ActionContext;
using aws::ActionResult;
using aws::AwsError;

namespace {

constexpr char kStsVersion[] = "2011-06-15";
constexpr char kIamVersion[] = "2010-05-08";
// STS answers dispatch errors (InvalidAction) in this namespace, not its own.
constexpr char kFaultNamespace[] = "http://webservices.amazon.com/AWSFault/2005-15-09";

int64_t WallMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool HasQueryParam(std::string_view target, std::string_view name) {
  size_t q = target.find('?');
  if (q == std::string_view::npos) return false;
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view part = query.substr(0, amp);
    if (part.substr(0, part.find('=')) == name) return true;
    if (amp == std::string_view::npos) break;
    query = query.substr(amp + 1);
  }
  return false;
}

HttpResponse Xml(const HttpRequest& request, http::status status, std::string body,
                 const std::string& request_id) {
  HttpResponse r{status, request.version()};
  r.set(http::field::content_type, "text/xml");
  r.set("x-amzn-RequestId", request_id);
  r.keep_alive(request.keep_alive());
  r.body() = std::move(body);
  r.prepare_payload();
  return r;
}

HttpResponse ErrorXml(const HttpRequest& request, const AwsError& e, std::string_view ns,
                      const std::string& request_id) {
  aws::XmlWriter x;
  x.OpenRoot("ErrorResponse", e.fault_namespace ? std::string_view(kFaultNamespace) : ns);
  x.Open("Error");
  x.Leaf("Type", e.status >= 500 ? "Receiver" : "Sender");
  x.Leaf("Code", e.code);
  if (!e.message.empty()) x.Leaf("Message", e.message);
  x.Close("Error");
  x.Leaf("RequestId", request_id);
  x.Close("ErrorResponse");
  return Xml(request, static_cast<http::status>(e.status), x.Take(), request_id);
}

}  // namespace

struct AwsApi::State {
  AwsApiOptions options;
  aws::CredentialStore store;
  std::atomic<uint64_t> requests{0};

  explicit State(AwsApiOptions o) : options(std::move(o)), store(options.max_issued_credentials) {}

  int64_t Now() const { return options.now_micros ? options.now_micros() : WallMicros(); }

  // Deterministic and unique per server: a UUID-shaped digest of the seed and a counter.
  std::string NextRequestId() {
    uint64_t n = requests.fetch_add(1, std::memory_order_relaxed);
    std::string seed =
        "redtrustd-request-" + std::to_string(options.request_id_seed) + "-" + std::to_string(n);
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(seed.data()), seed.size(), md);
    std::string h = aws::HexEncode(md, 16);
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
           "-" + h.substr(20, 12);
  }
};

AwsApi::AwsApi(AwsApiOptions options) : state_(std::make_unique<State>(std::move(options))) {}
AwsApi::~AwsApi() = default;

bool AwsApi::IsAwsRequest(const HttpRequest& request) {
  std::string_view target = request.target();
  if (target.substr(0, target.find('?')) != "/") return false;
  if (request.method() != http::verb::post && request.method() != http::verb::get) return false;
  auto auth = request.find(http::field::authorization);
  if (auth != request.end() && auth->value().substr(0, 5) == "AWS4-") return true;
  if (HasQueryParam(target, "X-Amz-Algorithm") || HasQueryParam(target, "Action")) return true;
  if (request.method() == http::verb::post) {
    auto ct = request.find(http::field::content_type);
    if (ct != request.end()) {
      std::string v(ct->value().substr(0, 33));
      for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (v == "application/x-www-form-urlencoded") return true;
    }
  }
  return false;
}

size_t AwsApi::issued_credentials() const { return state_->store.size(); }

HttpResponse AwsApi::Handle(const HttpRequest& request, const sim::World& world, Outcome* outcome) {
  State& s = *state_;
  const std::string request_id = s.NextRequestId();
  const int64_t now = s.Now();
  outcome->route = "aws";
  outcome->decision = "error";
  auto fail = [&](const AwsError& e, std::string_view ns) {
    outcome->decisions_error += 1;
    return ErrorXml(request, e, ns, request_id);
  };

  const aws::QueryParams params = aws::QueryParams::FromRequest(request);
  const std::optional<std::string> action = params.Get("Action");
  const std::optional<std::string> version = params.Get("Version");
  // A request with no Action is sent to the IAM home page, as STS does (docs/aws-api.md).
  if (!action) {
    HttpResponse r{http::status::found, request.version()};
    r.set(http::field::location, "https://aws.amazon.com/iam");
    r.set("x-amzn-RequestId", request_id);
    r.keep_alive(request.keep_alive());
    r.prepare_payload();
    outcome->decisions_error += 1;
    return r;
  }
  // Errors before dispatch are written in the namespace of the service the request seems to be
  // for: IAM's when it names IAM's version, else STS's.
  const bool looks_iam = version && *version == kIamVersion;
  std::string_view ns = looks_iam ? aws::kIamNamespace : aws::kStsNamespace;

  aws::SigV4Auth auth;
  AwsError err;
  if (!aws::ParseSigV4(request, &auth, &err)) return fail(err, ns);
  // The signature's service picks the API; any other service is "not scoped to" the one the
  // Version names.
  std::string service =
      auth.service == "iam" || auth.service == "sts" ? auth.service : (looks_iam ? "iam" : "sts");
  ns = service == "iam" ? aws::kIamNamespace : aws::kStsNamespace;
  aws::Principal principal;
  if (!aws::Authenticate(request, auth, world, s.store, service, now, &principal, &err)) {
    return fail(err, ns);
  }

  const std::string v = version.value_or("NO_VERSION_SPECIFIED");
  const bool version_ok = service == "sts" ? v == kStsVersion : v == kIamVersion;
  ActionResult (*handler)(const ActionContext&) = nullptr;
  if (version_ok && service == "sts" && *action == "AssumeRole") {
    handler = &aws::AssumeRole;
    outcome->route = "sts:AssumeRole";
  } else if (version_ok && service == "iam" && *action == "SimulateCustomPolicy") {
    handler = &aws::SimulateCustomPolicy;
    outcome->route = "iam:SimulateCustomPolicy";
  } else if (version_ok && service == "iam" && *action == "SimulatePrincipalPolicy") {
    handler = &aws::SimulatePrincipalPolicy;
    outcome->route = "iam:SimulatePrincipalPolicy";
  }
  if (!handler) {
    AwsError e{400, "InvalidAction", "Could not find operation " + *action + " for version " + v,
               true};
    return fail(e, ns);
  }

  ActionContext ctx{request, params, world, principal, auth, now, request_id, &s.store};
  ActionResult result = handler(ctx);
  outcome->decision = result.decision;
  outcome->decisions_allowed += result.allowed;
  outcome->decisions_denied += result.denied;
  outcome->decisions_error += result.errors;
  HttpResponse r = result.ok ? Xml(request, http::status::ok, std::move(result.body), request_id)
                             : ErrorXml(request, result.error, ns, request_id);
  for (auto& [k, val] : result.headers) r.set(k, val);
  return r;
}

}  // namespace redtrust::server
