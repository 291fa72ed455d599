#include "tools/redtrustd/aws/credentials.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

namespace redtrust::server::aws {

namespace {

AwsError InvalidToken() {
  // STS's answer for an unknown key and for a missing or mismatched session token (checked
  // before the signature). Sources: docs/aws-api.md.
  return AwsError{403, "InvalidClientTokenId",
                  "The security token included in the request is invalid."};
}

bool SameSecret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Caller SessionCaller(const sim::Role& role, std::string_view session_name) {
  std::string arn = "arn:" + role.partition + ":sts::" + role.account + ":assumed-role/" +
                    role.name + "/" + std::string(session_name);
  StatusOr<Caller> c = ParseAwsCaller(arn, role.partition);
  Caller out = c.ok() ? std::move(*c) : Caller{};
  out.role_arn = role.arn;  // aws:PrincipalArn is the role ARN with its path
  return out;
}

}  // namespace

void CredentialStore::Add(std::shared_ptr<const IssuedCredential> c, int64_t now_micros) {
  std::lock_guard<std::mutex> lock(mu_);
  while (!order_.empty()) {
    auto it = by_id_.find(order_.front());
    const bool expired = it == by_id_.end() || it->second->expiration_micros <= now_micros;
    if (!expired && by_id_.size() < max_) break;
    if (it != by_id_.end()) by_id_.erase(it);
    order_.pop_front();
  }
  order_.push_back(c->access_key_id);
  by_id_[c->access_key_id] = std::move(c);
}

std::shared_ptr<const IssuedCredential> CredentialStore::Find(std::string_view id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_id_.find(std::string(id));
  return it == by_id_.end() ? nullptr : it->second;
}

size_t CredentialStore::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return by_id_.size();
}

std::string StableId(std::string_view prefix, std::string_view seed) {
  static constexpr char kBase32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(seed.data()), seed.size(), md);
  std::string out(prefix);
  for (int i = 0; i < 17; ++i) out += kBase32[md[i] & 31];
  return out;
}

bool Authenticate(const HttpRequest& request, const SigV4Auth& auth, const sim::World& world,
                  const CredentialStore& store, std::string_view expected_service,
                  int64_t now_micros, Principal* p, AwsError* error) {
  *p = Principal();
  const std::string& id = auth.access_key_id;
  std::string_view secret;
  // The token the key requires: nullopt for long-term keys (which must come without one).
  std::optional<std::string_view> token;
  std::shared_ptr<const IssuedCredential> issued;
  if (auto [user, key] = world.FindAccessKey(id); user) {
    secret = key->secret;
    p->kind = Principal::Kind::kUser;
    StatusOr<Caller> c = ParseAwsCaller(user->arn, user->partition);
    if (!c.ok()) {
      *error = InvalidToken();
      return false;
    }
    p->caller = std::move(*c);
    p->identity_policies = user->identity_policies;
    p->arn = user->arn;
    p->userid = StableId("AIDA", user->arn);
    p->username = user->name;
  } else if (const sim::ServiceKey* sk = world.FindServiceKey(id)) {
    secret = sk->key.secret;
    p->kind = Principal::Kind::kService;
    StatusOr<Caller> c = ParseServiceCaller(sk->service);
    if (!c.ok()) {
      *error = InvalidToken();
      return false;
    }
    p->caller = std::move(*c);
    p->arn = sk->service;
  } else if (const sim::SessionKey* sk = world.FindSessionKey(id)) {
    secret = sk->key.secret;
    token = sk->session_token;
    p->kind = Principal::Kind::kSession;
    p->role = sk->role;
    p->session_name = sk->session_name;
  } else if ((issued = store.Find(id))) {
    secret = issued->secret_access_key;
    token = issued->session_token;
    p->kind = Principal::Kind::kSession;
    p->session_name = issued->session_name;
  } else {
    *error = InvalidToken();
    return false;
  }
  // A key without a secret in the world cannot sign anything.
  if (secret.empty()) {
    *error = InvalidToken();
    return false;
  }
  // Session token: required and bound to the key for temporary keys, forbidden for long-term
  // ones; checked before the signature, as STS does (docs/aws-api.md).
  if (!token) {
    if (auth.security_token) {
      *error = InvalidToken();
      return false;
    }
  } else if (!token->empty() || auth.security_token) {
    if (!auth.security_token || !SameSecret(*auth.security_token, *token)) {
      *error = InvalidToken();
      return false;
    }
  }
  if (issued) {
    if (now_micros >= issued->expiration_micros) {
      *error =
          AwsError{403, "ExpiredToken", "The security token included in the request is expired"};
      return false;
    }
    // A session outlives neither its role nor a world reload that removed the role.
    p->role = world.FindRole(issued->role_arn);
    if (!p->role) {
      *error = InvalidToken();
      return false;
    }
    p->source_identity = issued->source_identity;
    p->tags = issued->tags;
    p->transitive_tag_keys = issued->transitive_tag_keys;
    p->token_issue_micros = issued->issued_micros;
  }
  if (p->kind == Principal::Kind::kSession) {
    p->caller = SessionCaller(*p->role, p->session_name);
    p->identity_policies = p->role->identity_policies;
    p->arn = p->caller.arn;
    p->role_id = StableId("AROA", p->role->arn);
    p->userid = p->role_id + ":" + p->session_name;
  }
  if (std::optional<AwsError> e = CheckScopeAndTime(auth, expected_service, now_micros)) {
    *error = std::move(*e);
    return false;
  }
  if (!SignatureMatches(request, auth, secret)) {
    *error = SignatureMismatchError();
    return false;
  }
  return true;
}

}  // namespace redtrust::server::aws
