#include "engine/sts/assume_role.h"

#include "engine/condition/values.h"
#include "engine/policy/arn.h"

namespace redtrust {

namespace {

bool IsWordChar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool MatchesSet(std::string_view s, std::string_view extra) {
  for (unsigned char c : s) {
    if (!IsWordChar(c) && extra.find(static_cast<char>(c)) == std::string_view::npos) return false;
  }
  return true;
}

// Code points of a UTF-8 string (invalid bytes count one each).
size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// STS arnType characters (S1): tab, LF, CR, U+0020-U+007E, U+0085, U+00A0-U+D7FF,
// U+E000-U+FFFD, U+10000-U+10FFFF. Input is UTF-8; C0 controls other than \t\n\r and DEL fail.
bool ArnTypeChars(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = s[i];
    if (c < 0x80) {
      if (c == '\t' || c == '\n' || c == '\r') continue;
      if (c < 0x20 || c == 0x7F) return false;
      continue;
    }
    if (c == 0xC2 && i + 1 < s.size()) {  // U+0080..U+00BF
      unsigned char d = s[i + 1];
      if (d != 0x85 && d < 0xA0) return false;
    }
  }
  return true;
}

void CheckLength(std::vector<StsViolation>* out, const char* field, const std::string& v,
                 size_t min, size_t max) {
  size_t n = CodePoints(v);
  if (n < min) {
    out->push_back({field, v, "Member must have length greater than or equal to " + std::to_string(min)});
  } else if (n > max) {
    out->push_back({field, v, "Member must have length less than or equal to " + std::to_string(max)});
  }
}

}  // namespace

bool MatchesExternalIdPattern(std::string_view s) { return MatchesSet(s, "+=,.@:/-"); }

std::vector<StsViolation> CheckAssumeRoleParams(const AssumeRoleParams& p) {
  std::vector<StsViolation> out;
  CheckLength(&out, "roleArn", p.role_arn, 20, 2048);  // S1
  if (!ArnTypeChars(p.role_arn)) {
    out.push_back({"roleArn", p.role_arn,
                   "Member must satisfy regular expression pattern: "
                   "[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+"});
  }
  if (p.role_session_name) {  // S2
    CheckLength(&out, "roleSessionName", *p.role_session_name, 2, 64);
    if (!MatchesSet(*p.role_session_name, "+=,.@-")) {
      out.push_back({"roleSessionName", *p.role_session_name,
                     "Member must satisfy regular expression pattern: [\\w+=,.@-]*"});
    }
  }
  if (p.external_id) {  // S3
    CheckLength(&out, "externalId", *p.external_id, 2, 1224);
    if (!MatchesExternalIdPattern(*p.external_id)) {
      out.push_back({"externalId", *p.external_id,
                     "Member must satisfy regular expression pattern: [\\w+=,.@:/-]*"});
    }
  }
  if (p.duration_seconds) {  // S4
    if (*p.duration_seconds < 900) {
      out.push_back({"durationSeconds", std::to_string(*p.duration_seconds),
                     "Member must have value greater than or equal to 900"});
    } else if (*p.duration_seconds > 43200) {
      out.push_back({"durationSeconds", std::to_string(*p.duration_seconds),
                     "Member must have value less than or equal to 43200"});
    }
  }
  return out;
}

std::string ValidationErrorMessage(const std::vector<StsViolation>& v) {
  std::string m = std::to_string(v.size()) +
                  (v.size() == 1 ? " validation error detected: " : " validation errors detected: ");
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) m += "; ";
    m += "Value '" + v[i].value + "' at '" + v[i].field +
         "' failed to satisfy constraint: " + v[i].constraint;
  }
  return m;
}

std::string AccessDeniedMessage(std::string_view caller_arn, std::string_view action,
                                std::string_view resource, std::string_view reason) {
  std::string m = "User: ";
  m.append(caller_arn);
  m += " is not authorized to perform: ";
  m.append(action);
  m += " on resource: ";
  m.append(resource);
  m.append(reason);
  return m;
}

std::string RedshiftDbUserArn(std::string_view region, std::string_view account,
                              std::string_view cluster, std::string_view user) {
  std::string partition = PartitionOfRegion(region).value_or("aws");
  std::string arn = "arn:" + partition + ":redshift:";
  arn.append(region);
  arn += ':';
  arn.append(account);
  arn += ":dbuser:";
  arn.append(cluster);
  arn += '/';
  arn.append(user);
  return arn;
}

StsActionKind ClassifyStsAction(std::string_view action) {
  size_t colon = action.find(':');
  if (colon == std::string_view::npos || !EqualsIgnoreCaseAscii(action.substr(0, colon), "sts")) {
    return StsActionKind::kNotSts;
  }
  const std::string_view name = action.substr(colon + 1);
  auto is = [name](std::string_view n) { return EqualsIgnoreCaseAscii(name, n); };
  // STS API reference, GetCallerIdentity: "No permissions are required ... If an administrator
  // attaches a policy to your identity that explicitly denies access to the
  // sts:GetCallerIdentity action, you can still perform this operation."
  if (is("GetCallerIdentity")) return StsActionKind::kCallerIdentity;
  // IAM User Guide, "Permissions for GetSessionToken": "No permissions are required ... You
  // cannot use policies to control authentication operations."
  if (is("GetSessionToken")) return StsActionKind::kSessionToken;
  // Authorized by the caller's identity-based policies; no role trust policy is involved.
  if (is("GetFederationToken") || is("GetAccessKeyInfo") || is("DecodeAuthorizationMessage") ||
      is("GetServiceBearerToken") || is("AssumeRoot")) {
    return StsActionKind::kIdentityOnly;
  }
  return StsActionKind::kRoleAssumption;
}

}  // namespace redtrust
