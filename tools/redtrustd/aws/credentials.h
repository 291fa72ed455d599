// Who signed an AWS request: the key table (the world's IAM user keys, service keys and role
// session keys, plus the temporary credentials this server issued), and authentication in
// STS's order: key known, session token present and bound to the key, not expired, the issuing
// role still in the world, then the credential scope, the clock and the signature
// (docs/aws-api.md, "Authentication").
#ifndef REDTRUST_TOOLS_REDTRUSTD_AWS_CREDENTIALS_H_
#define REDTRUST_TOOLS_REDTRUSTD_AWS_CREDENTIALS_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/eval/request.h"
#include "sim/model/world.h"
#include "tools/redtrustd/aws/aws_error.h"
#include "tools/redtrustd/aws/sigv4.h"

namespace redtrust::server::aws {

using Tags = std::vector<std::pair<std::string, std::string>>;

// Temporary credentials issued by AssumeRole. Immutable once stored.
struct IssuedCredential {
  std::string access_key_id;  // ASIA + 16
  std::string secret_access_key;
  std::string session_token;
  int64_t issued_micros = 0;
  int64_t expiration_micros = 0;
  std::string role_arn;  // the world's role ARN (with its path)
  std::string role_name;
  std::string account;
  std::string partition;
  std::string role_id;  // AROA + 17, stable per role ARN
  std::string session_name;
  std::string session_arn;  // arn:P:sts::A:assumed-role/NAME/SESSION (no path)
  std::optional<std::string> source_identity;
  Tags tags;  // session tags
  std::vector<std::string> transitive_tag_keys;
};

// The credentials issued so far, bounded: when `max_entries` are stored the oldest is dropped
// (its requests then get InvalidClientTokenId), and expired entries at the old end are dropped
// as new ones arrive. Thread-safe.
class CredentialStore {
 public:
  explicit CredentialStore(size_t max_entries) : max_(max_entries == 0 ? 1 : max_entries) {}
  void Add(std::shared_ptr<const IssuedCredential> c, int64_t now_micros);
  std::shared_ptr<const IssuedCredential> Find(std::string_view access_key_id) const;
  size_t size() const;

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const IssuedCredential>> by_id_;
  std::deque<std::string> order_;  // ids, oldest first
  size_t max_;
};

// The authenticated caller of a request.
struct Principal {
  enum class Kind { kUser, kService, kSession };
  Kind kind = Kind::kUser;
  Caller caller;  // for the engine
  // The caller's identity policies: a user's, a session's role's permission policies; none for
  // a service principal (rule E3).
  std::vector<const CompiledPolicy*> identity_policies;
  std::string arn;       // user ARN, session ARN or service principal name (for messages)
  std::string userid;    // aws:userid: AIDA... for users, ROLEID:SESSION for sessions, "" else
  std::string username;  // aws:username (users only)
  const sim::Role* role = nullptr;             // sessions: the role
  std::string role_id;                         // sessions
  std::string session_name;                    // sessions
  std::optional<std::string> source_identity;  // sessions
  Tags tags;                                   // sessions: session tags (aws:PrincipalTag/...)
  std::vector<std::string> transitive_tag_keys;
  std::optional<int64_t> token_issue_micros;  // issued sessions: aws:TokenIssueTime
  bool is_session() const { return kind == Kind::kSession; }
};

// Authenticates the request whose signature `auth` was parsed from. On success fills
// *principal; else *error is AWS's answer (InvalidClientTokenId, ExpiredToken,
// SignatureDoesNotMatch, ...). Never succeeds without a verified signature.
bool Authenticate(const HttpRequest& request, const SigV4Auth& auth, const sim::World& world,
                  const CredentialStore& store, std::string_view expected_service,
                  int64_t now_micros, Principal* principal, AwsError* error);

// A stable IAM-style unique id: `prefix` followed by 17 characters of [A-Z2-7] derived from
// SHA-256(seed), e.g. StableId("AROA", role_arn) for a role id (21 characters, as IAM's).
std::string StableId(std::string_view prefix, std::string_view seed);

}  // namespace redtrust::server::aws

#endif  // REDTRUST_TOOLS_REDTRUSTD_AWS_CREDENTIALS_H_
