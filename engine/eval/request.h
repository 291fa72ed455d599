// The request being authorized: who calls (Caller), what action on which resource, and the
// request context (condition keys). Built once per request; read-only during evaluation.
#ifndef REDTRUST_ENGINE_EVAL_REQUEST_H_
#define REDTRUST_ENGINE_EVAL_REQUEST_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/base/status.h"

namespace redtrust {

// The principal making a request (rule M3). Parsed once from what the user wrote.
struct Caller {
  enum class Kind {
    kService,       // "redshift.amazonaws.com", "redshift.us-west-2.amazonaws.com"
    kRoot,          // "123456789012" or arn:P:iam::A:root
    kUser,          // arn:P:iam::A:user/path/name
    kAssumedRole,   // arn:P:sts::A:assumed-role/Role/Session, or a role ARN (any session)
    kFederatedUser, // arn:P:sts::A:federated-user/name
    kFederated,     // {"Federated": "cognito-identity.amazonaws.com"}: web identity / SAML
  };
  Kind kind = Kind::kRoot;
  std::string raw;        // as written
  std::string arn;        // principal ARN: user/root/federated-user ARN, session ARN
  std::string partition;  // "aws", ... (empty for services until resolved)
  std::string account;
  // kAssumedRole: the role's name and, when the caller was written as a role ARN, its ARN with
  // path. session_name is empty when unknown (written as a role ARN).
  std::string role_name;
  std::string role_arn;   // arn:P:iam::A:role[/path]/Name
  std::string session_name;
  // kService: every name the caller answers to (rule M9): the name as written and, for a
  // regional name svc.R.amazonaws.com, the global svc.amazonaws.com. The first is as written.
  std::vector<std::string> service_names;
  std::string service_region;  // R for a regional name, else empty

  bool is_iam() const {
    return kind == Kind::kRoot || kind == Kind::kUser || kind == Kind::kAssumedRole ||
           kind == Kind::kFederatedUser;
  }
  // aws:PrincipalArn (rule K): the role ARN for sessions; empty for services.
  std::string principal_arn() const;
  // aws:PrincipalType: Account | User | AssumedRole | FederatedUser | AWSService | WebIdentity.
  const char* principal_type() const;
};

// Parses {"AWS": value}. `default_partition` applies to a bare account id.
StatusOr<Caller> ParseAwsCaller(std::string_view value, std::string_view default_partition);
StatusOr<Caller> ParseServiceCaller(std::string_view value);
StatusOr<Caller> ParseFederatedCaller(std::string_view value);

// One condition key in the request. Keys compare case-insensitively (rule C2), so the
// lower-cased name is stored for lookup.
struct ContextEntry {
  std::string key;        // as given
  std::string key_lower;
  std::vector<std::string> values;  // canonical text of each value
  bool multivalued = false;         // given as an array (rule C5)
};

class Context {
 public:
  // Adds or replaces a key. Cost: O(1) on average (see below).
  void Set(std::string_view key, std::vector<std::string> values, bool multivalued);
  // REQUIRES: key_lower is lower-case ASCII.
  const ContextEntry* Find(std::string_view key_lower) const;
  const std::vector<ContextEntry>& entries() const { return entries_; }

 private:
  // A few keys (the usual request) are scanned; from kIndexFrom keys on, a hash index keeps Set
  // and Find O(1), so a request with 100,000 keys costs its size, not its size squared.
  static constexpr size_t kIndexFrom = 16;
  static constexpr size_t kNone = ~size_t{0};
  size_t Position(std::string_view key_lower) const;  // index in entries_, or kNone
  std::vector<ContextEntry> entries_;
  std::unordered_map<std::string, size_t> index_;  // key_lower -> position in entries_
};

struct Request {
  Caller caller;
  std::string action;            // "sts:AssumeRole"
  std::string resource;          // ARN
  std::string resource_account;  // from the request or the resource ARN; may be empty
  std::string resource_partition;
  Context context;
  // Clock for aws:CurrentTime / aws:EpochTime, microseconds since the epoch (injected: the
  // engine never reads the wall clock).
  int64_t now_micros = 0;
};

}  // namespace redtrust

#endif  // REDTRUST_ENGINE_EVAL_REQUEST_H_
