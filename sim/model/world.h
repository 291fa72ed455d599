// World: everything a Redshift COPY / UNLOAD authorization decision depends on, loaded once from
// files a user writes by hand (docs/world.md): accounts, IAM roles with their trust and
// permission policies (compiled once at load), IAM users with access keys, S3 buckets and
// objects, KMS keys, clusters (provisioned or serverless) with their associated roles, and per
// cluster the database side built from the administrator's SQL (database.h).
//
// Thread-safety: a World is immutable after LoadWorld and is shared as
// std::shared_ptr<const World>; every method is const and safe to call concurrently.
// Cost: lookups are one hash probe; nothing is parsed or compiled after load.
// Failure: LoadWorld never throws; it reports every problem it finds (it does not stop at the
// first) as a WorldDiagnostic with file:line:column, and returns no world when any is an error.
#ifndef REDTRUST_SIM_MODEL_WORLD_H_
#define REDTRUST_SIM_MODEL_WORLD_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/base/diagnostic.h"
#include "engine/base/status.h"
#include "engine/eval/compiled_policy.h"
#include "engine/policy/document.h"
#include "sim/model/database.h"
#include "sim/model/source_ref.h"

namespace redtrust::sim {

// ---------------------------------------------------------------------------------------------
// Options: the points AWS leaves open (RS-OPEN-n, docs/semantics.md) as switches of the world,
// each with the documented default, so a user can model either reading. JSON names in
// parentheses (the `options` object of world.json).
struct WorldOptions {
  // (externalIdOnLaterHops) Redshift sends ExternalId = dbuser ARN on hops 2..n of a chain too
  // (RS-OPEN-3). Default: true.
  bool external_id_on_later_hops = true;

  // (serverlessDbuserFormat) Cluster part of a serverless dbuser ARN (RS-OPEN-5):
  // "account-workgroupid" -> dbuser:serverless-<account>-<workgroup-id>/<user> (default),
  // "workgroup-name"      -> dbuser:<workgroup-name>/<user>.
  enum class ServerlessDbuserFormat { kAccountWorkgroupId, kWorkgroupName };
  ServerlessDbuserFormat serverless_dbuser_format = ServerlessDbuserFormat::kAccountWorkgroupId;

  // (grantDefaultMeans) What `GRANT ASSUMEROLE ON default` grants (RS-OPEN-8):
  // "all" (default) -> the same as ON ALL; "default-role" -> only statements that wrote
  // `IAM_ROLE default`.
  GrantDefaultMeans grant_default_means = GrantDefaultMeans::kAll;

  // (maxChain) Most roles in one IAM_ROLE chain (RS-OPEN-10). Default: 10. Range 1..50.
  int max_chain = 10;

  // (onlyInSyncRolesUsable) Only roles whose association status is in-sync can be used (RS-CLUSTER,
  // inference). Default: true.
  bool only_in_sync_roles_usable = true;

  // (sourceArnInContext) Put aws:SourceArn / aws:SourceAccount (the cluster) in hop 1's request
  // context (RS-OPEN-4). Default: false: the keys are absent.
  bool source_arn_in_context = false;

  // (clientSideEncryptionAllowed) ENCRYPTED with a root symmetric key is accepted (RS-OPTS: closed
  // to new customers from 2025-04-30). Default: false.
  bool client_side_encryption_allowed = false;

  // (serverlessServicePrincipals) The service principals a serverless workgroup's hop 1 is made
  // as; the role's trust policy must allow every one of them (RS-OPEN-6). Default:
  // ["redshift.amazonaws.com"] (MG-SLS); add "redshift-serverless.amazonaws.com" to model the
  // blog report that both are needed.
  std::vector<std::string> serverless_service_principals = {"redshift.amazonaws.com"};

  // (publicHoldsAssumeRoleByDefault) PUBLIC holds ASSUMEROLE ON ALL FOR ALL in every database
  // until `REVOKE ASSUMEROLE ON ALL FROM PUBLIC FOR ALL` (RS-GRANT). Default: true.
  bool public_holds_assume_role_by_default = true;

  // (allowUnknownRegions) Accept a well-formed region name of aws, aws-cn or aws-us-gov that is
  // not in redtrust's table of AWS regions (engine/policy/arn.h KnownRegions), for a region AWS
  // opened after this release. Default: false: an unknown region is world.invalid_region.
  bool allow_unknown_regions = false;

  // (spectrumUserAgentInContext) COPY from PARQUET / ORC reads S3 through Redshift Spectrum
  // (DG-COLUMNAR), so its S3 requests carry aws:UserAgent = "AWS Redshift/Spectrum" (DG-SPIAM).
  // That the COPY's own requests carry Spectrum's user agent is an inference from the two pages;
  // false leaves the key absent, as for every other COPY / UNLOAD. Default: true.
  bool spectrum_user_agent_in_context = true;
};

const char* ServerlessDbuserFormatName(WorldOptions::ServerlessDbuserFormat f);  // JSON spelling
const char* GrantDefaultMeansName(GrantDefaultMeans g);                          // JSON spelling

// ---------------------------------------------------------------------------------------------
// AWS side.

// A compiled policy and where it came from. `source` is the file its line:column positions refer
// to: a policy file as the loader opened it, the world file for inline policies (whose JSON
// pointers then start with the element's path, e.g. /roles/0/trust_policy/Statement/0), or
// "aws-managed:NAME" for the AWS managed policies shipped in sim/model/managed/NAME.json.
struct PolicyRef {
  std::shared_ptr<const CompiledPolicy> compiled;  // never null in a loaded world
  std::string source;
  std::string written;  // the reference as written: "trust.json", "aws-managed:X", "inline"
  SourceRef where;      // where the reference was written in the world file
};

struct Account {
  std::string id;    // 12 digits
  std::string name;  // optional, "" when not given
  SourceRef where;
};

struct Role {
  std::string arn;        // arn:PARTITION:iam::ACCOUNT:role[/path/]NAME
  std::string partition;  // "aws", ...
  std::string account;
  std::string path;  // "/" or "/path/"
  std::string name;
  int max_session_duration = 3600;  // seconds, 3600..43200
  PolicyRef trust_policy;
  std::vector<PolicyRef> permission_policies;
  // The same policies as plain pointers, in order, ready for Authorize(identity_policies).
  std::vector<const CompiledPolicy*> identity_policies;
  SourceRef where;
};

struct AccessKey {
  std::string id;      // AKIA + 16 characters
  std::string secret;  // as given ("" when the world does not care)
  SourceRef where;
};

// An IAM user whose access keys key-based COPY / UNLOAD may use (rule RS-ACCESSKEYS).
struct IamUser {
  std::string arn;  // arn:PARTITION:iam::ACCOUNT:user[/path/]NAME
  std::string partition;
  std::string account;
  std::string name;
  std::vector<AccessKey> access_keys;
  std::vector<PolicyRef> policies;  // identity policies
  std::vector<const CompiledPolicy*> identity_policies;
  SourceRef where;
};

// Access keys of principals other than IAM users, for redtrustd's AWS-compatible endpoints
// (docs/aws-api.md): a request signed with one of these calls as that principal.

// A service principal's key, e.g. to simulate Redshift's own sts:AssumeRole call as
// `redshift.eu-west-1.amazonaws.com` (the caller answers to the regional and global names,
// rule M9). AWS has no such keys; this is a simulation device.
struct ServiceKey {
  AccessKey key;
  std::string service;  // the service principal, as written
  SourceRef where;
};

// A role session's temporary key, as if issued by sts:AssumeRole earlier: the caller is
// arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION with the role's permission policies.
struct SessionKey {
  AccessKey key;
  std::string session_token;  // "" = requests carry no X-Amz-Security-Token
  std::string role_arn;
  const Role* role = nullptr;  // never null in a loaded world
  std::string session_name;
  SourceRef where;
};

enum class SseType { kSseS3, kSseKms };
const char* SseTypeName(SseType t);  // "SSE-S3" | "SSE-KMS"

struct Encryption {
  SseType type = SseType::kSseS3;
  std::string kms_key;  // key ARN for SSE-KMS, else ""
};

struct S3Object {
  std::string key;
  Encryption encryption;  // the object's own, or the bucket default when not given
  std::vector<std::pair<std::string, std::string>> tags;  // s3:ExistingObjectTag/<key>
  SourceRef where;
};

struct Bucket {
  std::string name;
  std::string arn;  // arn:PARTITION:s3:::NAME
  std::string partition;
  std::string account;
  std::string region;
  std::optional<PolicyRef> policy;  // bucket policy (kind resource)
  // Default encryption of new objects. AWS applies SSE-S3 when none is configured (since 2023).
  Encryption default_encryption;
  // True when the world lists the bucket's objects. When false the contents are unknown and
  // data-existence checks (rule P10) cannot be made.
  bool objects_listed = false;
  std::vector<S3Object> objects;  // sorted by key
  SourceRef where;

  // The object with exactly this key, or nullptr.
  const S3Object* FindObject(std::string_view key) const;
  // Objects whose key starts with `prefix`, in key order: [first, last).
  std::pair<const S3Object*, const S3Object*> ObjectsWithPrefix(std::string_view prefix) const;
};

struct KmsKey {
  std::string arn;  // arn:PARTITION:kms:REGION:ACCOUNT:key/KEY-ID
  std::string partition;
  std::string region;
  std::string account;
  std::string key_id;
  std::vector<std::string> aliases;     // "alias/name" as given
  std::vector<std::string> alias_arns;  // arn:P:kms:R:A:alias/name, one per alias
  // Key policy (kind resource). When the world gives none, AWS's default key policy: the key's
  // account root may use every kms action (so IAM policies of that account decide).
  PolicyRef policy;
  bool default_policy = false;
  SourceRef where;
};

// ---------------------------------------------------------------------------------------------
// Cluster side (rule RS-CLUSTER).

enum class ClusterKind { kProvisioned, kServerless };
const char* ClusterKindName(ClusterKind k);  // "provisioned" | "serverless"

enum class AssociationStatus { kInSync, kAdding, kRemoving };
const char* AssociationStatusName(AssociationStatus s);  // "in-sync" | "adding" | "removing"

struct AssociatedRole {
  std::string arn;
  AssociationStatus status = AssociationStatus::kInSync;
  const Role* role = nullptr;  // never null in a loaded world
  SourceRef where;
};

struct Cluster {
  std::string id;  // provisioned: the cluster identifier; serverless: the name used in logs
  std::string account;
  std::string region;
  std::string partition;
  ClusterKind kind = ClusterKind::kProvisioned;
  // Serverless only ("" for provisioned).
  std::string namespace_name;
  std::string workgroup;                  // workgroup name
  std::string workgroup_id;               // UUID
  std::vector<AssociatedRole> iam_roles;  // in the order written
  std::string default_iam_role;           // "" when none
  Database database;
  SourceRef where;

  // The association of this exact role ARN, or nullptr.
  const AssociatedRole* FindAssociatedRole(std::string_view arn) const;
  // The dbuser ARN Redshift sends as sts:ExternalId for database user `user` (stored name):
  // provisioned arn:P:redshift:R:A:dbuser:<id>/<user> (MG-AUTH); serverless per the
  // serverlessDbuserFormat option (RS-OPEN-5).
  std::string DbUserArn(std::string_view user, const WorldOptions& options) const;
};

// ---------------------------------------------------------------------------------------------

class World {
 public:
  World() = default;
  // Not copyable: indexes point into the entity vectors.
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  const WorldOptions& options() const { return options_; }
  // The world file (world.json, or the single JSON file) as the loader opened it.
  const std::string& source() const { return source_; }

  const std::vector<Account>& accounts() const { return accounts_; }
  const std::vector<Role>& roles() const { return roles_; }
  const std::vector<IamUser>& users() const { return users_; }
  const std::vector<ServiceKey>& service_keys() const { return service_keys_; }
  const std::vector<SessionKey>& session_keys() const { return session_keys_; }
  const std::vector<Bucket>& buckets() const { return buckets_; }
  const std::vector<KmsKey>& kms_keys() const { return kms_keys_; }
  const std::vector<Cluster>& clusters() const { return clusters_; }

  // Exact lookups; nullptr when absent.
  const Account* FindAccount(std::string_view id) const;
  const Role* FindRole(std::string_view arn) const;
  // Every role with this name (roles in different accounts may share one), in world order.
  std::vector<const Role*> FindRolesByName(std::string_view name) const;
  const IamUser* FindUser(std::string_view arn) const;
  // The IAM user owning access key `key_id` (and the key), or {nullptr, nullptr}.
  std::pair<const IamUser*, const AccessKey*> FindAccessKey(std::string_view key_id) const;
  // The service key / role session key with this id, or nullptr. Key ids are unique across
  // users, service keys and session keys.
  const ServiceKey* FindServiceKey(std::string_view key_id) const;
  const SessionKey* FindSessionKey(std::string_view key_id) const;
  const Bucket* FindBucket(std::string_view name) const;
  // By key ARN or alias ARN (arn:P:kms:R:A:alias/NAME).
  const KmsKey* FindKmsKey(std::string_view arn) const;
  const Cluster* FindCluster(std::string_view id) const;

 private:
  friend class WorldBuilder;  // loader.cc
  void BuildIndexes();

  WorldOptions options_;
  std::string source_;
  std::vector<Account> accounts_;
  std::vector<Role> roles_;
  std::vector<IamUser> users_;
  std::vector<ServiceKey> service_keys_;
  std::vector<SessionKey> session_keys_;
  std::vector<Bucket> buckets_;
  std::vector<KmsKey> kms_keys_;
  std::vector<Cluster> clusters_;
  // Keys are views into the vectors above, which never change after BuildIndexes.
  std::unordered_map<std::string_view, size_t> account_index_;
  std::unordered_map<std::string_view, size_t> role_index_;
  std::unordered_map<std::string_view, size_t> user_index_;
  std::unordered_map<std::string_view, std::pair<size_t, size_t>> access_key_index_;
  std::unordered_map<std::string_view, size_t> service_key_index_;
  std::unordered_map<std::string_view, size_t> session_key_index_;
  std::unordered_map<std::string_view, size_t> bucket_index_;
  std::unordered_map<std::string_view, size_t> kms_index_;  // key and alias ARNs
  std::unordered_map<std::string_view, size_t> cluster_index_;
};

// ---------------------------------------------------------------------------------------------
// Loading.

struct LoadOptions {
  // Reads a whole file. Default (empty): the file system, at most 16 MiB per file. Tests inject
  // an in-memory map here.
  std::function<StatusOr<std::string>(const std::string& path)> read_file;
};

struct LoadResult {
  std::shared_ptr<const World> world;  // null when any diagnostic is an error
  WorldDiagnostics diagnostics;        // errors and warnings, by file then position
  bool ok() const { return world != nullptr; }
};

// Loads a world from a directory holding world.json, or from a single JSON file. File names in
// the world (policies, SQL scripts) are relative to the world file's directory. Every policy is
// read, validated for its kind and compiled here, once; every SQL script is parsed and applied in
// order. Collects all problems instead of stopping at the first.
LoadResult LoadWorld(const std::string& path, const LoadOptions& options = {});

}  // namespace redtrust::sim

#endif  // REDTRUST_SIM_MODEL_WORLD_H_
