#include "engine/eval/request.h"

#include <algorithm>

#include "engine/condition/values.h"
#include "engine/policy/arn.h"

namespace redtrust {

namespace {

bool IsDnsLabelChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

// "svc.R.amazonaws.com" -> R when R is a region name, else "".
std::string RegionOfServiceName(std::string_view name, std::string* global) {
  for (std::string_view suffix : {std::string_view(".amazonaws.com.cn"),
                                  std::string_view(".amazonaws.com")}) {
    if (name.size() <= suffix.size() || name.substr(name.size() - suffix.size()) != suffix) continue;
    std::string_view head = name.substr(0, name.size() - suffix.size());  // "svc.R" or "svc"
    size_t dot = head.rfind('.');
    if (dot == std::string_view::npos) return "";
    std::string_view region = head.substr(dot + 1);
    if (!IsValidRegionName(region)) return "";
    *global = std::string(head.substr(0, dot)) + std::string(suffix);
    return std::string(region);
  }
  return "";
}

}  // namespace

std::string Caller::principal_arn() const {
  switch (kind) {
    case Kind::kAssumedRole: return role_arn;
    case Kind::kRoot:
    case Kind::kUser:
    case Kind::kFederatedUser: return arn;
    case Kind::kService:
    case Kind::kFederated: return "";
  }
  return "";
}

const char* Caller::principal_type() const {
  switch (kind) {
    case Kind::kService: return "AWSService";
    case Kind::kRoot: return "Account";
    case Kind::kUser: return "User";
    case Kind::kAssumedRole: return "AssumedRole";
    case Kind::kFederatedUser: return "FederatedUser";
    case Kind::kFederated: return "WebIdentityUser";
  }
  return "";
}

StatusOr<Caller> ParseAwsCaller(std::string_view value, std::string_view default_partition) {
  Caller c;
  c.raw = std::string(value);
  if (IsAccountId(value)) {
    c.kind = Caller::Kind::kRoot;
    c.partition = std::string(default_partition.empty() ? "aws" : default_partition);
    c.account = std::string(value);
    c.arn = "arn:" + c.partition + ":iam::" + c.account + ":root";
    return c;
  }
  auto parts = SplitArn(value);
  auto bad = [&](std::string why) {
    return Status::InvalidArgument("invalid AWS principal `" + std::string(value) + "`: " + why);
  };
  if (!parts) return bad("expected a 12-digit account id or an IAM/STS ARN");
  if (!IsKnownPartition(parts->partition)) return bad("unknown partition `" + std::string(parts->partition) + "`");
  if (!parts->region.empty()) return bad("IAM and STS principal ARNs have no region");
  if (!IsAccountId(parts->account)) return bad("the account must be 12 digits");
  c.partition = std::string(parts->partition);
  c.account = std::string(parts->account);
  c.arn = std::string(value);
  std::string_view res = parts->resource;
  if (parts->service == "iam") {
    if (res == "root") {
      c.kind = Caller::Kind::kRoot;
      return c;
    }
    if (res.substr(0, 5) == "user/" && res.size() > 5 && res.back() != '/') {
      c.kind = Caller::Kind::kUser;
      return c;
    }
    if (res.substr(0, 5) == "role/" && res.size() > 5 && res.back() != '/') {
      // A role written as a caller means "some session of this role" (session name unknown).
      c.kind = Caller::Kind::kAssumedRole;
      c.role_arn = c.arn;
      c.role_name = std::string(res.substr(res.rfind('/') + 1));
      c.arn = "arn:" + c.partition + ":sts::" + c.account + ":assumed-role/" + c.role_name + "/";
      return c;
    }
    return bad("an IAM principal is `root`, `user/...` or `role/...`");
  }
  if (parts->service == "sts") {
    if (res.substr(0, 13) == "assumed-role/") {
      std::string_view rest = res.substr(13);
      size_t slash = rest.find('/');
      if (slash == std::string_view::npos || slash == 0 || slash + 1 >= rest.size() ||
          rest.find('/', slash + 1) != std::string_view::npos) {
        return bad("a session ARN is `assumed-role/ROLE/SESSION`");
      }
      c.kind = Caller::Kind::kAssumedRole;
      c.role_name = std::string(rest.substr(0, slash));
      c.session_name = std::string(rest.substr(slash + 1));
      // Session ARNs carry no role path; aws:PrincipalArn is the role ARN (rule K).
      c.role_arn = "arn:" + c.partition + ":iam::" + c.account + ":role/" + c.role_name;
      return c;
    }
    if (res.substr(0, 15) == "federated-user/" && res.size() > 15) {
      c.kind = Caller::Kind::kFederatedUser;
      return c;
    }
    return bad("an STS principal is `assumed-role/ROLE/SESSION` or `federated-user/NAME`");
  }
  return bad("the service of a principal ARN is `iam` or `sts`");
}

StatusOr<Caller> ParseServiceCaller(std::string_view value) {
  Caller c;
  c.kind = Caller::Kind::kService;
  c.raw = std::string(value);
  bool ok = !value.empty() && value.find('.') != std::string_view::npos;
  for (char ch : value) ok = ok && (IsDnsLabelChar(ch) || ch == '.');
  if (!ok) {
    return Status::InvalidArgument("invalid service principal `" + std::string(value) +
                                   "`: expected a name such as `redshift.amazonaws.com`");
  }
  c.service_names.push_back(std::string(value));
  std::string global;
  c.service_region = RegionOfServiceName(value, &global);
  if (!c.service_region.empty()) c.service_names.push_back(global);
  return c;
}

StatusOr<Caller> ParseFederatedCaller(std::string_view value) {
  if (value.empty()) return Status::InvalidArgument("empty federated principal");
  Caller c;
  c.kind = Caller::Kind::kFederated;
  c.raw = std::string(value);
  c.arn = c.raw;
  return c;
}

void Context::Set(std::string_view key, std::vector<std::string> values, bool multivalued) {
  std::string lower = AsciiLower(key);
  if (const size_t at = Position(lower); at != kNone) {
    ContextEntry& e = entries_[at];
    e.key = std::string(key);
    e.values = std::move(values);
    e.multivalued = multivalued;
    return;
  }
  entries_.push_back(ContextEntry{std::string(key), std::move(lower), std::move(values), multivalued});
  if (entries_.size() == kIndexFrom) {
    for (size_t i = 0; i < entries_.size(); ++i) index_.emplace(entries_[i].key_lower, i);
  } else if (entries_.size() > kIndexFrom) {
    index_.emplace(entries_.back().key_lower, entries_.size() - 1);
  }
}

size_t Context::Position(std::string_view key_lower) const {
  if (entries_.size() >= kIndexFrom) {
    auto it = index_.find(std::string(key_lower));
    return it == index_.end() ? kNone : it->second;
  }
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].key_lower == key_lower) return i;
  }
  return kNone;
}

const ContextEntry* Context::Find(std::string_view key_lower) const {
  const size_t at = Position(key_lower);
  return at == kNone ? nullptr : &entries_[at];
}

}  // namespace redtrust
