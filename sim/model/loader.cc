// LoadWorld: world.json (docs/world.md) -> World. One pass per section in dependency order
// (options, accounts, roles, users, KMS keys, buckets, clusters), collecting every problem with
// its file:line:column instead of stopping at the first. Policies are read, validated for their
// kind and compiled here, once per distinct file; SQL scripts are parsed and applied in order.
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/base/json.h"
#include "engine/eval/compiled_policy.h"
#include "engine/eval/request.h"
#include "engine/policy/arn.h"
#include "engine/policy/reader.h"
#include "engine/policy/validate.h"
#include "sim/model/managed_policies.h"
#include "sim/model/names.h"
#include "sim/model/world.h"
#include "sim/sql/parser.h"

namespace redtrust::sim {
namespace {

constexpr uint64_t kMaxFileBytes = 16u << 20;

// Policy size quotas in characters without white space (IAM and AWS service quotas): role trust
// policy 2,048 (default "Role trust policy length"), a role's inline policies 10,240 (the larger
// of the inline and customer-managed limits, since a file may be either), bucket policy 20 KB,
// KMS key policy 32 KB. AWS managed policies are AWS's own and are not measured.
constexpr size_t kTrustPolicyChars = 2048;
constexpr size_t kIdentityPolicyChars = 10240;
constexpr size_t kBucketPolicyChars = 20480;
constexpr size_t kKeyPolicyChars = 32768;

// Associated roles per cluster (MG-QUOTA, current list): 50, or 10 in these regions.
size_t RoleQuota(std::string_view region) {
  for (std::string_view r : {"us-iso-east-1", "us-iso-west-1", "us-isob-east-1"}) {
    if (region == r) return 10;
  }
  return 50;
}

StatusOr<std::string> ReadFromDisk(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return Status::InvalidArgument("is a directory");
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Status::NotFound(std::strerror(errno));
  std::string out;
  char buf[1 << 16];
  size_t n;
  bool too_big = false;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    if (out.size() + n > kMaxFileBytes) {
      too_big = true;
      break;
    }
    out.append(buf, n);
  }
  bool failed = std::ferror(f);
  std::fclose(f);
  if (failed) return Status::InvalidArgument("read error");
  if (too_big) {
    return Status::ResourceExhausted("larger than the limit of " + std::to_string(kMaxFileBytes) +
                                     " bytes");
  }
  return out;
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      char x = a[i - 1], y = b[j - 1];
      if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
      if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x == y ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

// "did you mean `x`?" for the closest candidate within distance 3 (case-insensitive), or "".
template <typename Range>
std::string Suggest(std::string_view word, const Range& candidates) {
  std::string_view best;
  size_t best_d = 4;
  for (std::string_view c : candidates) {
    size_t d = EditDistance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  if (best.empty()) return "";
  return "did you mean `" + std::string(best) + "`?";
}

std::string Q(std::string_view s) { return "`" + SanitizeForMessage(s) + "`"; }

std::string KindWithArticle(JsonValue::Kind k) { return JsonKindWithArticle(k); }

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() > suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string PosText(const SourcePos& p) {
  return std::to_string(p.line) + ":" + std::to_string(p.column);
}

// What a policy's Principal elements trust, for the association check (RS-E14).
struct TrustInfo {
  bool any = false;                   // "*" or {"AWS": "*"} in an Allow statement
  std::vector<std::string> services;  // Service principals of Allow statements
};

TrustInfo AnalyzeTrust(const PolicyDocument& doc) {
  TrustInfo t;
  for (const Statement& s : doc.statements) {
    if (!s.effect || s.effect->value != "Allow" || !s.principal.present || s.principal.is_not) {
      continue;
    }
    if (s.principal.any) t.any = true;
    for (const PrincipalEntry& e : s.principal.entries) {
      if (e.type == PrincipalType::kService) t.services.push_back(e.value.value);
      if (e.type == PrincipalType::kAWS && e.value.value == "*") t.any = true;
    }
  }
  return t;
}

// A policy loaded once (cache entry): compiled on success.
struct LoadedPolicy {
  std::shared_ptr<const CompiledPolicy> compiled;  // null when it had errors
  std::string source;
  TrustInfo trust;
};

}  // namespace

class WorldBuilder {
 public:
  WorldBuilder(const LoadOptions& options, WorldDiagnostics* diags)
      : read_(options.read_file ? options.read_file : ReadFromDisk), diags_(diags) {}

  std::shared_ptr<World> Build(const std::string& path);
  const std::string& world_file() const { return world_file_; }

 private:
  // ---- diagnostics (about the world file unless `file` is given)
  void Report(Severity severity, std::string code, std::string message, std::string path,
              SourcePos pos, std::string help = "", std::string file = "") {
    WorldDiagnostic d;
    d.file = file.empty() ? world_file_ : std::move(file);
    d.diagnostic.severity = severity;
    d.diagnostic.code = std::move(code);
    d.diagnostic.message = std::move(message);
    d.diagnostic.path = std::move(path);
    d.diagnostic.pos = pos;
    d.diagnostic.help = std::move(help);
    diags_->push_back(std::move(d));
  }
  void Error(std::string code, std::string message, const std::string& path, SourcePos pos,
             std::string help = "") {
    Report(Severity::kError, std::move(code), std::move(message), path, pos, std::move(help));
  }
  void Warning(std::string code, std::string message, const std::string& path, SourcePos pos,
               std::string help = "") {
    Report(Severity::kWarning, std::move(code), std::move(message), path, pos, std::move(help));
  }
  void AddFileDiagnostics(const std::string& file, const Diagnostics& ds) {
    for (const Diagnostic& d : ds) diags_->push_back(WorldDiagnostic{file, d});
  }

  SourceRef Ref(SourcePos pos) const { return SourceRef{world_file_, pos}; }

  // ---- JSON shape helpers

  // True when `v` is an object; reports unknown keys (each with a suggestion) either way.
  bool Object(const JsonValue& v, const std::string& path, std::string_view what,
              std::initializer_list<std::string_view> allowed) {
    if (!v.is_object()) {
      Error("world.type", std::string(what) + " must be an object, not " + KindWithArticle(v.kind),
            path, v.pos);
      return false;
    }
    for (const JsonMember& m : v.members) {
      bool known = false;
      for (std::string_view a : allowed) known = known || a == m.key;
      if (!known) {
        Error("world.unknown_field", "unknown field " + Q(m.key) + " in " + std::string(what),
              JsonPointerAppend(path, m.key), m.key_pos, Suggest(m.key, allowed));
      }
    }
    return true;
  }

  // The member `key` of object `obj` when it exists and has kind `kind`; reports a missing
  // required member (at the object) or a wrong kind (at the value).
  const JsonValue* Field(const JsonValue& obj, const std::string& path, std::string_view key,
                         JsonValue::Kind kind, bool required, std::string_view what) {
    const JsonValue* v = obj.Find(key);
    if (!v) {
      if (required) {
        Error("world.missing_field", std::string(what) + " has no " + Q(key), path, obj.pos);
      }
      return nullptr;
    }
    if (v->kind != kind) {
      Error("world.type",
            Q(key) + " must be " + KindWithArticle(kind) + ", not " + KindWithArticle(v->kind),
            JsonPointerAppend(path, key), v->pos);
      return nullptr;
    }
    return v;
  }

  // The required `region` of `item`: a region name of a modelled partition. False (with an
  // error) otherwise.
  bool Region(const JsonValue& item, const std::string& path, const char* what,
              std::string* region, std::string* partition) {
    const JsonValue* v = String(item, path, "region", true, what);
    if (!v) return false;
    const RegionStatus status = ClassifyRegion(v->text);
    if (const char* why = RegionProblem(status, world_->options_.allow_unknown_regions)) {
      Error("world.invalid_region", Q(v->text) + " " + why, path + "/region", v->pos,
            status == RegionStatus::kUnknown
                ? "if AWS opened it after redtrust's table, set `options.allowUnknownRegions`"
                : "e.g. `us-west-2`");
      return false;
    }
    std::optional<std::string> p = PartitionOfRegion(v->text);
    *region = v->text;
    *partition = *p;
    return true;
  }

  const JsonValue* String(const JsonValue& obj, const std::string& path, std::string_view key,
                          bool required, std::string_view what) {
    return Field(obj, path, key, JsonValue::Kind::kString, required, what);
  }

  std::optional<long long> Integer(const JsonValue& v, const std::string& path,
                                   std::string_view key, long long min, long long max) {
    long long n = 0;
    const char* b = v.text.data();
    const char* e = b + v.text.size();
    auto [end, ec] = std::from_chars(b, e, n);
    if (ec != std::errc() || end != e || n < min || n > max) {
      Error("world.invalid_value",
            Q(key) + " must be a whole number from " + std::to_string(min) + " to " +
                std::to_string(max) + ", not " + Q(v.text),
            path, v.pos);
      return std::nullopt;
    }
    return n;
  }

  // The value of a string member that must be one of `choices`.
  std::optional<std::string> Choice(const JsonValue& obj, const std::string& path,
                                    std::string_view key, bool required, std::string_view what,
                                    std::initializer_list<std::string_view> choices) {
    const JsonValue* v = String(obj, path, key, required, what);
    if (!v) return std::nullopt;
    for (std::string_view c : choices) {
      if (v->text == c) return v->text;
    }
    std::string list;
    for (std::string_view c : choices) list += (list.empty() ? "" : ", ") + Q(c);
    Error("world.invalid_value", Q(key) + " must be one of " + list + ", not " + Q(v->text),
          JsonPointerAppend(path, key), v->pos, Suggest(v->text, choices));
    return std::nullopt;
  }

  bool Declared(std::string_view account, const std::string& path, SourcePos pos,
                std::string_view what) {
    if (account_index_.count(std::string(account))) return true;
    Error("world.unknown_account",
          "account " + Q(account) + " of " + std::string(what) + " is not declared in `accounts`",
          path, pos, "add it to `accounts`: every account a world names is declared once");
    return false;
  }

  std::string Resolve(const std::string& rel) const {
    std::filesystem::path p(rel);
    if (p.is_absolute() || base_dir_.empty()) return p.lexically_normal().string();
    return (base_dir_ / p).lexically_normal().string();
  }

  // ---- sections
  void LoadOptionsSection(const JsonValue& v);
  void LoadAccounts(const JsonValue& v);
  void LoadRoles(const JsonValue& v);
  void LoadUsers(const JsonValue& v);
  void LoadServiceKeys(const JsonValue& v);
  void LoadSessionKeys(const JsonValue& v);
  // The id and secret of an access key object (users' keys, service and session keys); reports
  // problems and returns false when the key is unusable.
  bool LoadAccessKey(const JsonValue& kv, const std::string& kpath, std::string_view what,
                     bool secret_required, AccessKey* key);
  void LoadKmsKeys(const JsonValue& v);
  void LoadBuckets(const JsonValue& v);
  void LoadClusters(const JsonValue& v);
  void LoadCluster(const JsonValue& v, const std::string& path);
  std::optional<Encryption> LoadEncryption(const JsonValue& v, const std::string& path,
                                           std::string_view bucket_region);

  // A policy reference: "file.json", an inline object, or (when managed_ok) "aws-managed:NAME"
  // / an AWS managed policy ARN. nullopt after reporting why not.
  std::optional<PolicyRef> LoadPolicy(const JsonValue& v, const std::string& path, PolicyKind kind,
                                      bool managed_ok, std::string_view what,
                                      TrustInfo* trust = nullptr, size_t max_chars = 0);
  const LoadedPolicy& LoadPolicyText(const std::string& cache_key, const std::string& source,
                                     std::string_view text, PolicyKind kind, size_t max_chars);
  // Loads a list of identity policies (`permission_policies`, a user's `policies`).
  void LoadIdentityPolicies(const JsonValue& obj, const std::string& path, std::string_view key,
                            std::string_view what, std::vector<PolicyRef>* out,
                            std::vector<const CompiledPolicy*>* ptrs);

  std::function<StatusOr<std::string>(const std::string&)> read_;
  WorldDiagnostics* diags_;
  std::shared_ptr<World> world_;
  std::string world_file_;
  std::string world_text_;
  std::filesystem::path base_dir_;

  std::map<std::string, LoadedPolicy> policy_cache_;  // key: kind + ":" + source
  // Ids seen so far -> where first defined (for duplicates and cross references).
  std::unordered_map<std::string, SourcePos> account_index_;
  std::unordered_map<std::string, std::pair<size_t, SourcePos>> role_index_;
  std::unordered_map<std::string, SourcePos> user_index_;
  std::unordered_map<std::string, SourcePos> access_key_index_;
  std::unordered_map<std::string, std::pair<size_t, SourcePos>> kms_index_;
  std::unordered_map<std::string, SourcePos> bucket_index_;
  std::unordered_map<std::string, SourcePos> cluster_index_;
  std::vector<TrustInfo> role_trust_;   // parallel to world_->roles_
  std::set<std::string> broken_roles_;  // defined with errors (already reported)
};

// ---------------------------------------------------------------------------------------------

std::shared_ptr<World> WorldBuilder::Build(const std::string& path) {
  world_ = std::make_shared<World>();
  std::error_code ec;
  std::filesystem::path p(path);
  if (std::filesystem::is_directory(p, ec)) p /= "world.json";
  world_file_ = p.lexically_normal().string();
  base_dir_ = p.lexically_normal().parent_path();
  world_->source_ = world_file_;

  StatusOr<std::string> text = read_(world_file_);
  if (!text.ok()) {
    Report(Severity::kError, "world.missing_file",
           "cannot read the world file: " + text.status().message(), "", SourcePos{});
    return nullptr;
  }
  world_text_ = std::move(*text);
  JsonValue root;
  if (std::optional<JsonError> err = ParseJson(world_text_, JsonOptions(), &root)) {
    Error(err->code, err->message, "", err->pos);
    return nullptr;
  }
  if (!Object(root, "", "the world",
              {"description", "options", "accounts", "roles", "users", "service_keys",
               "session_keys", "kms_keys", "buckets", "clusters"})) {
    return nullptr;
  }
  Field(root, "", "description", JsonValue::Kind::kString, false, "the world");
  // Dependency order: options shape the databases; everything names accounts; clusters name
  // roles; buckets name KMS keys.
  if (const JsonValue* v =
          Field(root, "", "options", JsonValue::Kind::kObject, false, "the world")) {
    LoadOptionsSection(*v);
  }
  if (const JsonValue* v =
          Field(root, "", "accounts", JsonValue::Kind::kArray, false, "the world")) {
    LoadAccounts(*v);
  }
  if (const JsonValue* v = Field(root, "", "roles", JsonValue::Kind::kArray, false, "the world")) {
    LoadRoles(*v);
  }
  if (const JsonValue* v = Field(root, "", "users", JsonValue::Kind::kArray, false, "the world")) {
    LoadUsers(*v);
  }
  if (const JsonValue* v =
          Field(root, "", "service_keys", JsonValue::Kind::kArray, false, "the world")) {
    LoadServiceKeys(*v);
  }
  if (const JsonValue* v =
          Field(root, "", "session_keys", JsonValue::Kind::kArray, false, "the world")) {
    LoadSessionKeys(*v);
  }
  if (const JsonValue* v =
          Field(root, "", "kms_keys", JsonValue::Kind::kArray, false, "the world")) {
    LoadKmsKeys(*v);
  }
  if (const JsonValue* v =
          Field(root, "", "buckets", JsonValue::Kind::kArray, false, "the world")) {
    LoadBuckets(*v);
  }
  if (const JsonValue* v =
          Field(root, "", "clusters", JsonValue::Kind::kArray, false, "the world")) {
    LoadClusters(*v);
  }
  if (HasErrors(*diags_)) return nullptr;
  world_->BuildIndexes();
  return std::move(world_);
}

// ---- options

void WorldBuilder::LoadOptionsSection(const JsonValue& v) {
  const std::string path = "/options";
  WorldOptions& o = world_->options_;
  Object(v, path, "`options`",
         {"externalIdOnLaterHops", "serverlessDbuserFormat", "grantDefaultMeans", "maxChain",
          "onlyInSyncRolesUsable", "sourceArnInContext", "clientSideEncryptionAllowed",
          "serverlessServicePrincipals", "publicHoldsAssumeRoleByDefault", "allowUnknownRegions",
          "spectrumUserAgentInContext"});
  auto flag = [&](std::string_view key, bool* out) {
    if (const JsonValue* b = Field(v, path, key, JsonValue::Kind::kBool, false, "`options`")) {
      *out = b->bool_value;
    }
  };
  flag("externalIdOnLaterHops", &o.external_id_on_later_hops);
  flag("onlyInSyncRolesUsable", &o.only_in_sync_roles_usable);
  flag("sourceArnInContext", &o.source_arn_in_context);
  flag("clientSideEncryptionAllowed", &o.client_side_encryption_allowed);
  flag("publicHoldsAssumeRoleByDefault", &o.public_holds_assume_role_by_default);
  flag("allowUnknownRegions", &o.allow_unknown_regions);
  flag("spectrumUserAgentInContext", &o.spectrum_user_agent_in_context);
  if (auto f = Choice(v, path, "serverlessDbuserFormat", false, "`options`",
                      {"account-workgroupid", "workgroup-name"})) {
    o.serverless_dbuser_format = *f == "workgroup-name"
                                     ? WorldOptions::ServerlessDbuserFormat::kWorkgroupName
                                     : WorldOptions::ServerlessDbuserFormat::kAccountWorkgroupId;
  }
  if (auto g = Choice(v, path, "grantDefaultMeans", false, "`options`", {"all", "default-role"})) {
    o.grant_default_means =
        *g == "default-role" ? GrantDefaultMeans::kDefaultRole : GrantDefaultMeans::kAll;
  }
  if (const JsonValue* n =
          Field(v, path, "maxChain", JsonValue::Kind::kNumber, false, "`options`")) {
    if (auto m = Integer(*n, path + "/maxChain", "maxChain", 1, 50))
      o.max_chain = static_cast<int>(*m);
  }
  if (const JsonValue* a = Field(v, path, "serverlessServicePrincipals", JsonValue::Kind::kArray,
                                 false, "`options`")) {
    const std::string apath = path + "/serverlessServicePrincipals";
    std::vector<std::string> names;
    for (size_t i = 0; i < a->items.size(); ++i) {
      const JsonValue& item = a->items[i];
      const std::string ipath = JsonPointerAppend(apath, i);
      if (!item.is_string()) {
        Error("world.type",
              "a service principal must be a string, not " + KindWithArticle(item.kind), ipath,
              item.pos);
        continue;
      }
      if (item.text.size() <= 14 || item.text.find('.') == std::string::npos ||
          item.text.find(' ') != std::string::npos) {
        Error("world.invalid_value", Q(item.text) + " is not a service principal", ipath, item.pos,
              "write it as AWS does, e.g. `redshift.amazonaws.com`");
        continue;
      }
      names.push_back(item.text);
    }
    if (a->items.empty()) {
      Error("world.invalid_value", "`serverlessServicePrincipals` must name at least one principal",
            apath, a->pos);
    }
    if (!names.empty()) o.serverless_service_principals = std::move(names);
  }
}

// ---- accounts

void WorldBuilder::LoadAccounts(const JsonValue& v) {
  for (size_t i = 0; i < v.items.size(); ++i) {
    const JsonValue& item = v.items[i];
    const std::string path = JsonPointerAppend("/accounts", i);
    Account a;
    const JsonValue* id = nullptr;
    if (item.is_string()) {
      id = &item;
    } else {
      if (!Object(item, path, "an account", {"id", "name", "description"})) continue;
      id = String(item, path, "id", true, "an account");
      if (const JsonValue* n = String(item, path, "name", false, "an account")) a.name = n->text;
      String(item, path, "description", false, "an account");
    }
    if (!id) continue;
    const std::string id_path = item.is_string() ? path : path + "/id";
    if (!IsAccountId(id->text)) {
      Error("world.invalid_account",
            Q(id->text) + " is not an AWS account id: it must be 12 digits", id_path, id->pos);
      continue;
    }
    auto [it, inserted] = account_index_.emplace(id->text, id->pos);
    if (!inserted) {
      Error("world.duplicate_id", "account " + Q(id->text) + " is declared twice", id_path, id->pos,
            "first declared at " + PosText(it->second));
      continue;
    }
    a.id = id->text;
    a.where = Ref(item.pos);
    world_->accounts_.push_back(std::move(a));
  }
}

// ---- policies

const LoadedPolicy& WorldBuilder::LoadPolicyText(const std::string& cache_key,
                                                 const std::string& source, std::string_view text,
                                                 PolicyKind kind, size_t max_chars) {
  LoadedPolicy& entry = policy_cache_[cache_key];
  entry.source = source;
  PolicyDocument doc;
  Diagnostics ds;
  if (ReadPolicy(text, JsonOptions(), &doc, &ds)) {
    ValidateOptions vo;
    vo.max_policy_chars = max_chars;
    ValidatePolicy(doc, kind, vo, &ds);
  }
  SortDiagnostics(ds);
  AddFileDiagnostics(source, ds);
  if (HasErrors(ds)) return entry;
  auto compiled = CompiledPolicy::Compile(doc, kind, source);
  if (!compiled.ok()) {
    Report(Severity::kError, "world.policy_compile", compiled.status().message(), "", SourcePos{},
           "", source);
    return entry;
  }
  entry.compiled = std::move(*compiled);
  if (kind == PolicyKind::kTrust) entry.trust = AnalyzeTrust(doc);
  return entry;
}

std::optional<PolicyRef> WorldBuilder::LoadPolicy(const JsonValue& v, const std::string& path,
                                                  PolicyKind kind, bool managed_ok,
                                                  std::string_view what, TrustInfo* trust,
                                                  size_t max_chars) {
  PolicyRef ref;
  ref.where = Ref(v.pos);
  if (max_chars == 0) {
    max_chars = kind == PolicyKind::kTrust      ? kTrustPolicyChars
                : kind == PolicyKind::kIdentity ? kIdentityPolicyChars
                                                : kBucketPolicyChars;
  }
  if (v.is_object()) {
    // Inline: positions are in the world file; JSON pointers start at the element's path.
    ref.written = "inline";
    PolicyDocument doc;
    Diagnostics ds;
    if (ReadPolicyFromJson(v, path, world_text_, &doc, &ds)) {
      ValidateOptions vo;
      vo.max_policy_chars = max_chars;
      ValidatePolicy(doc, kind, vo, &ds);
    }
    AddFileDiagnostics(world_file_, ds);
    if (HasErrors(ds)) return std::nullopt;
    auto compiled = CompiledPolicy::Compile(doc, kind, world_file_);
    if (!compiled.ok()) {
      Error("world.policy_compile", compiled.status().message(), path, v.pos);
      return std::nullopt;
    }
    ref.compiled = std::move(*compiled);
    ref.source = world_file_;
    if (trust) *trust = AnalyzeTrust(doc);
    return ref;
  }
  if (!v.is_string()) {
    Error("world.type",
          std::string(what) +
              " must be a file name (a string) or an inline policy (an object), not " +
              KindWithArticle(v.kind),
          path, v.pos);
    return std::nullopt;
  }
  ref.written = v.text;
  constexpr std::string_view kManagedPrefix = "aws-managed:";
  const bool managed_arn = v.text.rfind("arn:aws:iam::aws:policy/", 0) == 0;
  if (v.text.rfind(kManagedPrefix, 0) == 0 || managed_arn) {
    const std::string name = managed_arn ? v.text : v.text.substr(kManagedPrefix.size());
    if (!managed_ok) {
      Error("world.managed_not_allowed",
            std::string(what) + " cannot be an AWS managed policy: those are identity policies",
            path, v.pos);
      return std::nullopt;
    }
    const ManagedPolicy* mp = FindManagedPolicy(name);
    if (!mp) {
      std::vector<std::string_view> names;
      std::string list;
      for (const ManagedPolicy& p : ManagedPolicies()) {
        names.push_back(p.name);
        list += (list.empty() ? "" : ", ") + std::string(p.name);
      }
      std::string help = Suggest(
          managed_arn ? std::string_view(name).substr(name.rfind('/') + 1) : std::string_view(name),
          names);
      Error("world.unknown_managed_policy",
            "unknown AWS managed policy " + Q(name) + ": redtrust ships " + list, path, v.pos,
            help);
      return std::nullopt;
    }
    const std::string source = "aws-managed:" + std::string(mp->name);
    auto it = policy_cache_.find("identity:" + source);
    const LoadedPolicy& loaded =
        it != policy_cache_.end()
            ? it->second
            : LoadPolicyText("identity:" + source, source, mp->document, PolicyKind::kIdentity, 0);
    if (!loaded.compiled) return std::nullopt;
    ref.compiled = loaded.compiled;
    ref.source = source;
    return ref;
  }
  if (v.text.empty()) {
    Error("world.invalid_value", std::string(what) + " names no file", path, v.pos);
    return std::nullopt;
  }
  const std::string file = Resolve(v.text);
  const std::string key = std::string(PolicyKindName(kind)) + ":" + file;
  auto it = policy_cache_.find(key);
  if (it == policy_cache_.end()) {
    StatusOr<std::string> text = read_(file);
    if (!text.ok()) {
      Error("world.missing_file",
            "cannot read policy file " + Q(file) + ": " + text.status().message(), path, v.pos);
      policy_cache_[key].source = file;  // report a missing file once
      return std::nullopt;
    }
    LoadPolicyText(key, file, *text, kind, max_chars);
    it = policy_cache_.find(key);
  }
  if (!it->second.compiled) return std::nullopt;
  ref.compiled = it->second.compiled;
  ref.source = file;
  if (trust) *trust = it->second.trust;
  return ref;
}

void WorldBuilder::LoadIdentityPolicies(const JsonValue& obj, const std::string& path,
                                        std::string_view key, std::string_view what,
                                        std::vector<PolicyRef>* out,
                                        std::vector<const CompiledPolicy*>* ptrs) {
  const JsonValue* list = Field(obj, path, key, JsonValue::Kind::kArray, false, what);
  if (!list) return;
  const std::string lpath = JsonPointerAppend(path, key);
  for (size_t i = 0; i < list->items.size(); ++i) {
    if (auto ref = LoadPolicy(list->items[i], JsonPointerAppend(lpath, i), PolicyKind::kIdentity,
                              true, "a permission policy")) {
      ptrs->push_back(ref->compiled.get());
      out->push_back(std::move(*ref));
    }
  }
}

// ---- roles

void WorldBuilder::LoadRoles(const JsonValue& v) {
  for (size_t i = 0; i < v.items.size(); ++i) {
    const JsonValue& item = v.items[i];
    const std::string path = JsonPointerAppend("/roles", i);
    if (!Object(item, path, "a role",
                {"arn", "trust_policy", "permission_policies", "max_session_duration",
                 "description"})) {
      continue;
    }
    String(item, path, "description", false, "a role");
    Role role;
    role.where = Ref(item.pos);
    bool ok = true;
    const JsonValue* arn = String(item, path, "arn", true, "a role");
    if (arn) {
      std::string why;
      std::optional<IamArn> parsed = ParseIamArn(arn->text, "role", &why);
      if (!parsed) {
        Error("world.invalid_arn", Q(arn->text) + " is not an IAM role ARN: " + why, path + "/arn",
              arn->pos);
        ok = false;
      } else {
        role.arn = arn->text;
        role.partition = parsed->partition;
        role.account = parsed->account;
        role.path = parsed->path;
        role.name = parsed->name;
        ok = Declared(role.account, path + "/arn", arn->pos, "role " + Q(role.arn)) && ok;
        auto dup = role_index_.find(role.arn);
        if (dup != role_index_.end()) {
          Error("world.duplicate_id", "role " + Q(role.arn) + " is defined twice", path + "/arn",
                arn->pos, "first defined at " + PosText(dup->second.second));
          ok = false;
        }
      }
    } else {
      ok = false;
    }
    TrustInfo trust;
    if (const JsonValue* t = item.Find("trust_policy")) {
      if (auto ref = LoadPolicy(*t, path + "/trust_policy", PolicyKind::kTrust, false,
                                "`trust_policy`", &trust)) {
        role.trust_policy = std::move(*ref);
      } else {
        ok = false;
      }
    } else {
      Error("world.missing_field", "a role has no `trust_policy`", path, item.pos);
      ok = false;
    }
    LoadIdentityPolicies(item, path, "permission_policies", "a role", &role.permission_policies,
                         &role.identity_policies);
    if (const JsonValue* d =
            Field(item, path, "max_session_duration", JsonValue::Kind::kNumber, false, "a role")) {
      // CreateRole MaxSessionDuration: 1 to 12 hours.
      if (auto n =
              Integer(*d, path + "/max_session_duration", "max_session_duration", 3600, 43200)) {
        role.max_session_duration = static_cast<int>(*n);
      }
    }
    if (!ok || !arn) {
      // Defined but broken: its own errors say why; clusters naming it add nothing.
      if (!role.arn.empty()) broken_roles_.insert(role.arn);
      continue;
    }
    role_index_.emplace(role.arn, std::make_pair(world_->roles_.size(), arn->pos));
    world_->roles_.push_back(std::move(role));
    role_trust_.push_back(std::move(trust));
  }
}

// ---- IAM users

void WorldBuilder::LoadUsers(const JsonValue& v) {
  for (size_t i = 0; i < v.items.size(); ++i) {
    const JsonValue& item = v.items[i];
    const std::string path = JsonPointerAppend("/users", i);
    if (!Object(item, path, "an IAM user", {"arn", "access_keys", "policies", "description"})) {
      continue;
    }
    String(item, path, "description", false, "an IAM user");
    IamUser user;
    user.where = Ref(item.pos);
    bool ok = true;
    const JsonValue* arn = String(item, path, "arn", true, "an IAM user");
    if (arn) {
      std::string why;
      std::optional<IamArn> parsed = ParseIamArn(arn->text, "user", &why);
      if (!parsed) {
        Error("world.invalid_arn", Q(arn->text) + " is not an IAM user ARN: " + why, path + "/arn",
              arn->pos);
        ok = false;
      } else {
        user.arn = arn->text;
        user.partition = parsed->partition;
        user.account = parsed->account;
        user.name = parsed->name;
        ok = Declared(user.account, path + "/arn", arn->pos, "IAM user " + Q(user.arn)) && ok;
        auto [it, inserted] = user_index_.emplace(user.arn, arn->pos);
        if (!inserted) {
          Error("world.duplicate_id", "IAM user " + Q(user.arn) + " is defined twice",
                path + "/arn", arn->pos, "first defined at " + PosText(it->second));
          ok = false;
        }
      }
    } else {
      ok = false;
    }
    if (const JsonValue* keys =
            Field(item, path, "access_keys", JsonValue::Kind::kArray, false, "an IAM user")) {
      for (size_t k = 0; k < keys->items.size(); ++k) {
        const JsonValue& kv = keys->items[k];
        const std::string kpath = JsonPointerAppend(path + "/access_keys", k);
        if (!Object(kv, kpath, "an access key", {"id", "secret"})) continue;
        AccessKey key;
        if (LoadAccessKey(kv, kpath, "an access key", false, &key)) {
          user.access_keys.push_back(std::move(key));
        }
      }
    }
    LoadIdentityPolicies(item, path, "policies", "an IAM user", &user.policies,
                         &user.identity_policies);
    if (ok) world_->users_.push_back(std::move(user));
  }
}

bool WorldBuilder::LoadAccessKey(const JsonValue& kv, const std::string& kpath,
                                 std::string_view what, bool secret_required, AccessKey* key) {
  key->where = Ref(kv.pos);
  const JsonValue* id = String(kv, kpath, "id", true, what);
  if (const JsonValue* s = String(kv, kpath, "secret", secret_required, what)) {
    key->secret = s->text;
  } else if (secret_required) {
    return false;
  }
  if (!id) return false;
  // AccessKeyId: 16 to 128 of [A-Z0-9] (IAM API; long-term keys start with AKIA, temporary ones
  // with ASIA).
  bool valid = id->text.size() >= 16 && id->text.size() <= 128;
  for (char c : id->text) valid = valid && ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
  if (!valid) {
    Error("world.invalid_value",
          Q(id->text) + " is not an access key id: 16 to 128 uppercase letters and digits",
          kpath + "/id", id->pos, "long-term keys look like `AKIAIOSFODNN7EXAMPLE`");
    return false;
  }
  // Ids are unique across users' keys, service keys and session keys: a request names only its
  // key id, which must identify one principal.
  auto [it, inserted] = access_key_index_.emplace(id->text, id->pos);
  if (!inserted) {
    Error("world.duplicate_id", "access key " + Q(id->text) + " is defined twice", kpath + "/id",
          id->pos, "first defined at " + PosText(it->second));
    return false;
  }
  key->id = id->text;
  return true;
}

// ---- service keys and role session keys (redtrustd's AWS endpoints, docs/aws-api.md)

void WorldBuilder::LoadServiceKeys(const JsonValue& v) {
  for (size_t i = 0; i < v.items.size(); ++i) {
    const JsonValue& item = v.items[i];
    const std::string path = JsonPointerAppend("/service_keys", i);
    if (!Object(item, path, "a service key", {"id", "secret", "service", "description"})) {
      continue;
    }
    String(item, path, "description", false, "a service key");
    ServiceKey sk;
    sk.where = Ref(item.pos);
    bool ok = LoadAccessKey(item, path, "a service key", true, &sk.key);
    const JsonValue* service = String(item, path, "service", true, "a service key");
    if (!service) {
      ok = false;
    } else if (!ParseServiceCaller(service->text).ok() ||
               !(EndsWith(service->text, ".amazonaws.com") ||
                 EndsWith(service->text, ".amazonaws.com.cn"))) {
      Error("world.invalid_value",
            Q(service->text) + " is not a service principal: expected a name such as "
                               "`redshift.amazonaws.com` or `redshift.eu-west-1.amazonaws.com`",
            path + "/service", service->pos);
      ok = false;
    } else {
      sk.service = service->text;
    }
    if (ok) world_->service_keys_.push_back(std::move(sk));
  }
}

void WorldBuilder::LoadSessionKeys(const JsonValue& v) {
  for (size_t i = 0; i < v.items.size(); ++i) {
    const JsonValue& item = v.items[i];
    const std::string path = JsonPointerAppend("/session_keys", i);
    if (!Object(item, path, "a session key",
                {"id", "secret", "session_token", "role", "session_name", "description"})) {
      continue;
    }
    String(item, path, "description", false, "a session key");
    SessionKey sk;
    sk.where = Ref(item.pos);
    bool ok = LoadAccessKey(item, path, "a session key", true, &sk.key);
    if (const JsonValue* t = String(item, path, "session_token", false, "a session key")) {
      sk.session_token = t->text;
    }
    if (const JsonValue* name = String(item, path, "session_name", true, "a session key")) {
      // RoleSessionName: 2-64 of [\w+=,.@-] (STS AssumeRole, rule S2).
      bool valid = name->text.size() >= 2 && name->text.size() <= 64;
      for (char c : name->text) {
        valid = valid && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                          (c >= '0' && c <= '9') || std::string_view("_+=,.@-").find(c) !=
                                                        std::string_view::npos);
      }
      if (!valid) {
        Error("world.invalid_value",
              Q(name->text) + " is not a role session name: 2 to 64 of letters, digits and "
                              "`_+=,.@-`",
              path + "/session_name", name->pos);
        ok = false;
      } else {
        sk.session_name = name->text;
      }
    } else {
      ok = false;
    }
    if (const JsonValue* role = String(item, path, "role", true, "a session key")) {
      auto it = role_index_.find(role->text);
      if (it == role_index_.end()) {
        if (!broken_roles_.count(role->text)) {
          Error("world.unknown_role", "role " + Q(role->text) + " is not defined in `roles`",
                path + "/role", role->pos, "a session key belongs to a role of the world");
        }
        ok = false;
      } else {
        sk.role_arn = role->text;
        sk.role = &world_->roles_[it->second.first];
      }
    } else {
      ok = false;
    }
    if (ok) world_->session_keys_.push_back(std::move(sk));
  }
}

// ---- KMS keys

void WorldBuilder::LoadKmsKeys(const JsonValue& v) {
  for (size_t i = 0; i < v.items.size(); ++i) {
    const JsonValue& item = v.items[i];
    const std::string path = JsonPointerAppend("/kms_keys", i);
    if (!Object(item, path, "a KMS key", {"arn", "aliases", "policy", "description"})) continue;
    String(item, path, "description", false, "a KMS key");
    KmsKey key;
    key.where = Ref(item.pos);
    bool ok = true;
    const JsonValue* arn = String(item, path, "arn", true, "a KMS key");
    if (!arn) continue;
    std::string why =
        CheckKmsKeyArn(arn->text, &key.partition, &key.region, &key.account, &key.key_id,
                       world_->options_.allow_unknown_regions);
    if (!why.empty()) {
      Error("world.invalid_arn", Q(arn->text) + " is not a KMS key ARN: " + why, path + "/arn",
            arn->pos);
      continue;
    }
    key.arn = arn->text;
    ok = Declared(key.account, path + "/arn", arn->pos, "KMS key " + Q(key.arn)) && ok;
    if (kms_index_.count(key.arn)) {
      Error("world.duplicate_id", "KMS key " + Q(key.arn) + " is defined twice", path + "/arn",
            arn->pos, "first defined at " + PosText(kms_index_[key.arn].second));
      ok = false;
    }
    if (const JsonValue* aliases =
            Field(item, path, "aliases", JsonValue::Kind::kArray, false, "a KMS key")) {
      for (size_t a = 0; a < aliases->items.size(); ++a) {
        const JsonValue& al = aliases->items[a];
        const std::string apath = JsonPointerAppend(path + "/aliases", a);
        bool valid = al.is_string() && al.text.rfind("alias/", 0) == 0 && al.text.size() > 6 &&
                     al.text.size() <= 256 && al.text.rfind("alias/aws/", 0) != 0;
        for (char c : al.text) {
          valid = valid && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '/' || c == '_' || c == '-');
        }
        if (!valid) {
          Error("world.invalid_value",
                "a KMS alias is `alias/<name>` with letters, digits, '/', '_' and '-' (and not "
                "`alias/aws/`, which AWS reserves)",
                apath, al.pos);
          continue;
        }
        std::string alias_arn =
            "arn:" + key.partition + ":kms:" + key.region + ":" + key.account + ":" + al.text;
        if (kms_index_.count(alias_arn) || std::find(key.alias_arns.begin(), key.alias_arns.end(),
                                                     alias_arn) != key.alias_arns.end()) {
          Error("world.duplicate_id", "KMS alias " + Q(alias_arn) + " is defined twice", apath,
                al.pos);
          ok = false;
          continue;
        }
        key.aliases.push_back(al.text);
        key.alias_arns.push_back(std::move(alias_arn));
      }
    }
    if (const JsonValue* p = item.Find("policy")) {
      if (auto ref = LoadPolicy(*p, path + "/policy", PolicyKind::kResource, false, "`policy`",
                                nullptr, kKeyPolicyChars)) {
        key.policy = std::move(*ref);
      } else {
        ok = false;
      }
    } else {
      // AWS's default key policy (KMS Developer Guide, "Default key policy"): the account root
      // may use every kms action, which hands the decision to the account's IAM policies.
      const std::string text =
          "{\n  \"Version\": \"2012-10-17\",\n  \"Id\": \"key-default-1\",\n  \"Statement\": [\n"
          "    {\n      \"Sid\": \"Enable IAM User Permissions\",\n      \"Effect\": \"Allow\",\n"
          "      \"Principal\": {\"AWS\": \"arn:" +
          key.partition + ":iam::" + key.account +
          ":root\"},\n      \"Action\": \"kms:*\",\n      \"Resource\": \"*\"\n    }\n  ]\n}\n";
      const std::string source = "aws-default-key-policy:" + key.arn;
      const LoadedPolicy& loaded =
          LoadPolicyText("resource:" + source, source, text, PolicyKind::kResource, 0);
      if (loaded.compiled) {
        key.policy.compiled = loaded.compiled;
        key.policy.source = source;
        key.policy.written = "default";
        key.policy.where = Ref(item.pos);
        key.default_policy = true;
      } else {
        ok = false;
      }
    }
    if (!ok) continue;
    kms_index_.emplace(key.arn, std::make_pair(world_->kms_keys_.size(), arn->pos));
    for (const std::string& alias_arn : key.alias_arns) {
      kms_index_.emplace(alias_arn, std::make_pair(world_->kms_keys_.size(), arn->pos));
    }
    world_->kms_keys_.push_back(std::move(key));
  }
}

// ---- buckets

std::optional<Encryption> WorldBuilder::LoadEncryption(const JsonValue& v, const std::string& path,
                                                       std::string_view bucket_region) {
  if (!Object(v, path, "an encryption setting", {"type", "kms_key"})) return std::nullopt;
  std::optional<std::string> type =
      Choice(v, path, "type", true, "an encryption setting", {"SSE-S3", "SSE-KMS"});
  const JsonValue* key = String(v, path, "kms_key", false, "an encryption setting");
  if (!type) return std::nullopt;
  Encryption e;
  if (*type == "SSE-S3") {
    if (key) {
      Error("world.invalid_value", "`kms_key` applies to SSE-KMS only", path + "/kms_key",
            key->pos);
      return std::nullopt;
    }
    return e;
  }
  e.type = SseType::kSseKms;
  if (!key) {
    Error("world.missing_field", "SSE-KMS encryption has no `kms_key`", path, v.pos,
          "name the key ARN of one of the world's `kms_keys`");
    return std::nullopt;
  }
  auto it = kms_index_.find(key->text);
  if (it == kms_index_.end()) {
    Error("world.unknown_kms_key", "KMS key " + Q(key->text) + " is not defined in `kms_keys`",
          path + "/kms_key", key->pos);
    return std::nullopt;
  }
  const KmsKey& k = world_->kms_keys_[it->second.first];
  if (!bucket_region.empty() && k.region != bucket_region) {
    // S3 uses KMS keys of the bucket's own region only (S3-KMS).
    Error("world.kms_region_mismatch",
          "KMS key " + Q(key->text) + " is in " + k.region + ", the bucket in " +
              std::string(bucket_region),
          path + "/kms_key", key->pos, "S3 can only use KMS keys of the bucket's region");
    return std::nullopt;
  }
  e.kms_key = k.arn;  // the key ARN even when an alias ARN was written
  return e;
}

void WorldBuilder::LoadBuckets(const JsonValue& v) {
  for (size_t i = 0; i < v.items.size(); ++i) {
    const JsonValue& item = v.items[i];
    const std::string path = JsonPointerAppend("/buckets", i);
    if (!Object(item, path, "a bucket",
                {"name", "account", "region", "policy", "objects", "default_encryption",
                 "description"})) {
      continue;
    }
    String(item, path, "description", false, "a bucket");
    Bucket b;
    b.where = Ref(item.pos);
    bool ok = true;
    const JsonValue* name = String(item, path, "name", true, "a bucket");
    if (name) {
      std::string why = CheckBucketName(name->text);
      if (!why.empty()) {
        Error("world.invalid_bucket_name", Q(name->text) + " is not a valid bucket name: " + why,
              path + "/name", name->pos);
        ok = false;
      } else if (auto [it, inserted] = bucket_index_.emplace(name->text, name->pos); !inserted) {
        Error("world.duplicate_id",
              "bucket " + Q(name->text) + " is defined twice (bucket names are global)",
              path + "/name", name->pos, "first defined at " + PosText(it->second));
        ok = false;
      }
      b.name = name->text;
    } else {
      ok = false;
    }
    if (const JsonValue* account = String(item, path, "account", true, "a bucket")) {
      if (!IsAccountId(account->text)) {
        Error("world.invalid_account",
              Q(account->text) + " is not an AWS account id: it must be 12 digits",
              path + "/account", account->pos);
        ok = false;
      } else {
        ok = Declared(account->text, path + "/account", account->pos, "bucket " + Q(b.name)) && ok;
      }
      b.account = account->text;
    } else {
      ok = false;
    }
    ok = Region(item, path, "a bucket", &b.region, &b.partition) && ok;
    b.arn = "arn:" + (b.partition.empty() ? std::string("aws") : b.partition) + ":s3:::" + b.name;
    if (const JsonValue* p = item.Find("policy")) {
      if (auto ref = LoadPolicy(*p, path + "/policy", PolicyKind::kResource, false, "`policy`")) {
        b.policy = std::move(*ref);
      } else {
        ok = false;
      }
    }
    if (const JsonValue* enc = item.Find("default_encryption")) {
      if (auto e = LoadEncryption(*enc, path + "/default_encryption", b.region)) {
        b.default_encryption = *e;
      } else {
        ok = false;
      }
    }
    if (const JsonValue* objects =
            Field(item, path, "objects", JsonValue::Kind::kArray, false, "a bucket")) {
      b.objects_listed = true;
      std::map<std::string, SourcePos> seen;
      for (size_t k = 0; k < objects->items.size(); ++k) {
        const JsonValue& ov = objects->items[k];
        const std::string opath = JsonPointerAppend(path + "/objects", k);
        S3Object o;
        o.where = Ref(ov.pos);
        o.encryption = b.default_encryption;
        const JsonValue* key = nullptr;
        if (ov.is_string()) {
          key = &ov;
        } else {
          if (!Object(ov, opath, "an object", {"key", "encryption", "tags"})) {
            ok = false;
            continue;
          }
          key = String(ov, opath, "key", true, "an object");
          if (const JsonValue* enc = ov.Find("encryption")) {
            if (auto e = LoadEncryption(*enc, opath + "/encryption", b.region)) {
              o.encryption = *e;
            } else {
              ok = false;
            }
          }
          if (const JsonValue* tags =
                  Field(ov, opath, "tags", JsonValue::Kind::kObject, false, "an object")) {
            for (const JsonMember& m : tags->members) {
              if (!m.value.is_string()) {
                Error("world.type", "a tag value must be a string", opath + "/tags/" + m.key,
                      m.value.pos);
                ok = false;
                continue;
              }
              o.tags.emplace_back(m.key, m.value.text);
            }
          }
        }
        if (!key) {
          ok = false;
          continue;
        }
        const std::string kpath = ov.is_string() ? opath : opath + "/key";
        if (key->text.empty() || key->text.size() > 1024) {
          Error("world.invalid_value", "an object key has 1 to 1,024 bytes", kpath, key->pos);
          ok = false;
          continue;
        }
        auto [it, inserted] = seen.emplace(key->text, key->pos);
        if (!inserted) {
          Error("world.duplicate_id", "object " + Q(key->text) + " is listed twice", kpath,
                key->pos, "first listed at " + PosText(it->second));
          ok = false;
          continue;
        }
        o.key = key->text;
        b.objects.push_back(std::move(o));
      }
      std::sort(b.objects.begin(), b.objects.end(),
                [](const S3Object& x, const S3Object& y) { return x.key < y.key; });
    }
    if (ok) world_->buckets_.push_back(std::move(b));
  }
}

// ---- clusters

void WorldBuilder::LoadClusters(const JsonValue& v) {
  for (size_t i = 0; i < v.items.size(); ++i) {
    LoadCluster(v.items[i], JsonPointerAppend("/clusters", i));
  }
}

void WorldBuilder::LoadCluster(const JsonValue& item, const std::string& path) {
  if (!Object(item, path, "a cluster",
              {"id", "account", "region", "kind", "namespace", "workgroup", "workgroup_id",
               "iam_roles", "default_iam_role", "admin_user", "database", "description"})) {
    return;
  }
  String(item, path, "description", false, "a cluster");
  const WorldOptions& options = world_->options_;
  Cluster c;
  c.database = Database(options.grant_default_means, options.public_holds_assume_role_by_default);
  c.where = Ref(item.pos);
  bool ok = true;

  std::optional<std::string> kind =
      Choice(item, path, "kind", true, "a cluster", {"provisioned", "serverless"});
  if (!kind) ok = false;
  c.kind = kind == "serverless" ? ClusterKind::kServerless : ClusterKind::kProvisioned;

  const JsonValue* id = String(item, path, "id", true, "a cluster");
  if (id) {
    std::string why = c.kind == ClusterKind::kServerless ? CheckServerlessName(id->text)
                                                         : CheckClusterIdentifier(id->text);
    if (!why.empty()) {
      std::string lower = id->text;
      for (char& ch : lower) {
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
      }
      Error("world.invalid_cluster_id", Q(id->text) + " is not a valid cluster identifier: " + why,
            path + "/id", id->pos,
            lower != id->text &&
                    (c.kind == ClusterKind::kServerless ? CheckServerlessName(lower).empty()
                                                        : CheckClusterIdentifier(lower).empty())
                ? "write `" + lower + "`"
                : "");
      ok = false;
    } else if (auto [it, inserted] = cluster_index_.emplace(id->text, id->pos); !inserted) {
      Error("world.duplicate_id", "cluster " + Q(id->text) + " is defined twice", path + "/id",
            id->pos, "first defined at " + PosText(it->second));
      ok = false;
    }
    c.id = id->text;
  } else {
    ok = false;
  }

  if (const JsonValue* account = String(item, path, "account", true, "a cluster")) {
    if (!IsAccountId(account->text)) {
      Error("world.invalid_account",
            Q(account->text) + " is not an AWS account id: it must be 12 digits", path + "/account",
            account->pos);
      ok = false;
    } else {
      ok = Declared(account->text, path + "/account", account->pos, "cluster " + Q(c.id)) && ok;
      c.account = account->text;
    }
  } else {
    ok = false;
  }

  ok = Region(item, path, "a cluster", &c.region, &c.partition) && ok;

  // Serverless identity: namespace, workgroup name and id (MG-SLS); none for provisioned.
  const bool serverless = c.kind == ClusterKind::kServerless;
  for (std::string_view key : {"namespace", "workgroup", "workgroup_id"}) {
    const JsonValue* f =
        String(item, path, key, serverless && kind.has_value(), "a serverless cluster");
    if (!f) {
      if (serverless || item.Find(key)) ok = false;
      continue;
    }
    const std::string fpath = JsonPointerAppend(path, key);
    if (!serverless) {
      if (kind) {
        Error("world.serverless_only", Q(key) + " applies to serverless clusters only", fpath,
              f->pos, "set `kind` to `serverless`, or remove it");
        ok = false;
      }
      continue;
    }
    if (key == "workgroup_id") {
      if (!IsUuid(f->text)) {
        Error("world.invalid_value",
              Q(f->text) +
                  " is not a workgroup id: it is a UUID such as "
                  "`1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d` (lowercase)",
              fpath, f->pos);
        ok = false;
      }
      c.workgroup_id = f->text;
    } else {
      std::string why = CheckServerlessName(f->text);
      if (!why.empty()) {
        Error("world.invalid_value",
              Q(f->text) + " is not a valid " + std::string(key) + " name: " + why, fpath, f->pos);
        ok = false;
      }
      (key == "namespace" ? c.namespace_name : c.workgroup) = f->text;
    }
  }

  // Associated roles (RS-CLUSTER): defined in the world, same account as the cluster, within quota.
  if (const JsonValue* roles =
          Field(item, path, "iam_roles", JsonValue::Kind::kArray, false, "a cluster")) {
    const std::string rpath = path + "/iam_roles";
    std::map<std::string, SourcePos> seen;
    for (size_t k = 0; k < roles->items.size(); ++k) {
      const JsonValue& rv = roles->items[k];
      const std::string ipath = JsonPointerAppend(rpath, k);
      AssociatedRole a;
      a.where = Ref(rv.pos);
      const JsonValue* arn = nullptr;
      if (rv.is_string()) {
        arn = &rv;
      } else if (Object(rv, ipath, "an associated role", {"arn", "status"})) {
        arn = String(rv, ipath, "arn", true, "an associated role");
        if (rv.Find("status")) {
          auto st = Choice(rv, ipath, "status", false, "an associated role",
                           {"in-sync", "adding", "removing"});
          if (!st) {
            ok = false;
          } else {
            a.status = *st == "adding"     ? AssociationStatus::kAdding
                       : *st == "removing" ? AssociationStatus::kRemoving
                                           : AssociationStatus::kInSync;
          }
        }
      }
      if (!arn) {
        ok = false;
        continue;
      }
      const std::string apath = rv.is_string() ? ipath : ipath + "/arn";
      auto [sit, inserted] = seen.emplace(arn->text, arn->pos);
      if (!inserted) {
        Error("world.duplicate_id", "role " + Q(arn->text) + " is associated twice", apath,
              arn->pos, "first at " + PosText(sit->second));
        ok = false;
        continue;
      }
      auto it = role_index_.find(arn->text);
      if (it == role_index_.end() && broken_roles_.count(arn->text)) {
        ok = false;
        continue;
      }
      if (it == role_index_.end()) {
        std::string why;
        if (!ParseIamArn(arn->text, "role", &why)) {
          Error("world.invalid_arn", Q(arn->text) + " is not an IAM role ARN: " + why, apath,
                arn->pos);
        } else {
          Error("world.unknown_role", "role " + Q(arn->text) + " is not defined in `roles`", apath,
                arn->pos, "a cluster can only be associated with roles that exist");
        }
        ok = false;
        continue;
      }
      const Role& role = world_->roles_[it->second.first];
      if (!c.account.empty() && role.account != c.account) {
        // MG-ASSOC: "a role can be associated only if role and cluster belong to the same AWS
        // account". Cross-account access goes through a chain instead (MG-AUTH).
        Error("world.role_other_account",
              "role " + Q(role.arn) + " belongs to account " + role.account + " but cluster " +
                  Q(c.id) + " to " + c.account,
              apath, arn->pos,
              "Redshift associates only roles of the cluster's own account; reach other accounts "
              "with a role chain");
        ok = false;
        continue;
      }
      // KC-CFN: association fails unless the trust policy delegates to Redshift. A trust policy
      // changed after association is possible, so this is a warning.
      const TrustInfo& t = role_trust_[it->second.first];
      bool trusts = t.any;
      for (const std::string& s : t.services) {
        trusts = trusts || s == "redshift.amazonaws.com" ||
                 (!c.region.empty() && s == "redshift." + c.region + ".amazonaws.com");
      }
      if (!trusts) {
        Warning(
            "world.role_not_redshift_trusted",
            "The IAM role " + role.arn +
                " is not valid. The IAM role must delegate access to an Amazon Redshift "
                "account.",
            apath, arn->pos,
            "no Allow statement of its trust policy names `redshift.amazonaws.com` or `redshift." +
                (c.region.empty() ? std::string("<region>") : c.region) +
                ".amazonaws.com`; AWS refuses such an association");
      }
      a.arn = arn->text;
      a.role = &role;
      c.iam_roles.push_back(std::move(a));
    }
    const size_t quota = RoleQuota(c.region);
    if (roles->items.size() > quota) {
      Error("world.too_many_roles",
            "cluster " + Q(c.id) + " has " + std::to_string(roles->items.size()) +
                " associated roles; the quota is " + std::to_string(quota),
            rpath, roles->pos, "quota \"IAM roles associated with a cluster\" (not adjustable)");
      ok = false;
    }
  }

  if (const JsonValue* def = String(item, path, "default_iam_role", false, "a cluster")) {
    if (!c.FindAssociatedRole(def->text)) {
      bool listed = false;
      if (const JsonValue* roles = item.Find("iam_roles"); roles && roles->is_array()) {
        for (const JsonValue& rv : roles->items) {
          const JsonValue* a = rv.is_string() ? &rv : rv.is_object() ? rv.Find("arn") : nullptr;
          listed = listed || (a && a->text == def->text);
        }
      }
      if (!listed) {
        // MG-DEFROLE: the default role is one of the associated roles.
        Error("world.default_role_not_associated",
              "default role " + Q(def->text) + " is not associated with cluster " + Q(c.id),
              path + "/default_iam_role", def->pos, "add it to `iam_roles`");
      }
      ok = false;  // (when listed, the association itself was reported)
    }
    c.default_iam_role = def->text;
  }

  if (const JsonValue* admin = String(item, path, "admin_user", false, "a cluster")) {
    if (admin->text.empty()) {
      Error("world.invalid_value", "`admin_user` is empty", path + "/admin_user", admin->pos);
      ok = false;
    } else {
      c.database.AddAdminUser(admin->text, Ref(admin->pos));
    }
  }

  if (const JsonValue* scripts =
          Field(item, path, "database", JsonValue::Kind::kArray, false, "a cluster")) {
    for (size_t k = 0; k < scripts->items.size(); ++k) {
      const JsonValue& sv = scripts->items[k];
      const std::string spath = JsonPointerAppend(path + "/database", k);
      if (!sv.is_string()) {
        Error("world.type",
              "a database script must be a file name (a string), not " + KindWithArticle(sv.kind),
              spath, sv.pos);
        ok = false;
        continue;
      }
      const std::string file = Resolve(sv.text);
      StatusOr<std::string> text = read_(file);
      if (!text.ok()) {
        Error("world.missing_file",
              "cannot read SQL script " + Q(file) + ": " + text.status().message(), spath, sv.pos);
        ok = false;
        continue;
      }
      SqlScript script = ParseSqlScript(*text);
      c.database.ApplyScript(script, file, diags_);
    }
  }

  if (ok) world_->clusters_.push_back(std::move(c));
}

LoadResult LoadWorld(const std::string& path, const LoadOptions& options) {
  LoadResult result;
  WorldBuilder builder(options, &result.diagnostics);
  std::shared_ptr<World> world = builder.Build(path);
  // The world file's findings first, then each file it names in the order first met.
  std::stable_partition(
      result.diagnostics.begin(), result.diagnostics.end(),
      [&builder](const WorldDiagnostic& d) { return d.file == builder.world_file(); });
  SortDiagnostics(result.diagnostics);
  if (world && !HasErrors(result.diagnostics)) result.world = std::move(world);
  return result;
}

}  // namespace redtrust::sim
