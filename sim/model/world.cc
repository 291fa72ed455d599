// World lookups and the small helpers of its entities. Loading is in loader.cc.
#include "sim/model/world.h"

#include <algorithm>

#include "engine/sts/assume_role.h"

namespace redtrust::sim {

const char* ServerlessDbuserFormatName(WorldOptions::ServerlessDbuserFormat f) {
  switch (f) {
    case WorldOptions::ServerlessDbuserFormat::kAccountWorkgroupId:
      return "account-workgroupid";
    case WorldOptions::ServerlessDbuserFormat::kWorkgroupName:
      return "workgroup-name";
  }
  return "account-workgroupid";
}

const char* GrantDefaultMeansName(GrantDefaultMeans g) {
  switch (g) {
    case GrantDefaultMeans::kAll:
      return "all";
    case GrantDefaultMeans::kDefaultRole:
      return "default-role";
  }
  return "all";
}

const char* SseTypeName(SseType t) {
  switch (t) {
    case SseType::kSseS3:
      return "SSE-S3";
    case SseType::kSseKms:
      return "SSE-KMS";
  }
  return "SSE-S3";
}

const char* ClusterKindName(ClusterKind k) {
  switch (k) {
    case ClusterKind::kProvisioned:
      return "provisioned";
    case ClusterKind::kServerless:
      return "serverless";
  }
  return "provisioned";
}

const char* AssociationStatusName(AssociationStatus s) {
  switch (s) {
    case AssociationStatus::kInSync:
      return "in-sync";
    case AssociationStatus::kAdding:
      return "adding";
    case AssociationStatus::kRemoving:
      return "removing";
  }
  return "in-sync";
}

// ---- Bucket

const S3Object* Bucket::FindObject(std::string_view key) const {
  auto it = std::lower_bound(objects.begin(), objects.end(), key,
                             [](const S3Object& o, std::string_view k) { return o.key < k; });
  return (it != objects.end() && it->key == key) ? &*it : nullptr;
}

std::pair<const S3Object*, const S3Object*> Bucket::ObjectsWithPrefix(
    std::string_view prefix) const {
  const S3Object* begin = objects.data();
  const S3Object* end = begin + objects.size();
  const S3Object* first = std::lower_bound(
      begin, end, prefix, [](const S3Object& o, std::string_view p) { return o.key < p; });
  const S3Object* last = first;
  while (last != end && std::string_view(last->key).substr(0, prefix.size()) == prefix) ++last;
  return {first, last};
}

// ---- Cluster

const AssociatedRole* Cluster::FindAssociatedRole(std::string_view arn) const {
  for (const AssociatedRole& r : iam_roles) {
    if (r.arn == arn) return &r;
  }
  return nullptr;
}

std::string Cluster::DbUserArn(std::string_view user, const WorldOptions& options) const {
  if (kind == ClusterKind::kProvisioned) return RedshiftDbUserArn(region, account, id, user);
  // Open item 5: two documented forms; the option picks one.
  std::string cluster_part =
      options.serverless_dbuser_format == WorldOptions::ServerlessDbuserFormat::kWorkgroupName
          ? workgroup
          : "serverless-" + account + "-" + workgroup_id;
  return RedshiftDbUserArn(region, account, cluster_part, user);
}

// ---- World

namespace {

template <typename Map>
auto Lookup(const Map& map, std::string_view key) -> const typename Map::mapped_type* {
  auto it = map.find(key);
  return it == map.end() ? nullptr : &it->second;
}

}  // namespace

void World::BuildIndexes() {
  for (size_t i = 0; i < accounts_.size(); ++i) account_index_.emplace(accounts_[i].id, i);
  for (size_t i = 0; i < roles_.size(); ++i) role_index_.emplace(roles_[i].arn, i);
  for (size_t i = 0; i < users_.size(); ++i) {
    user_index_.emplace(users_[i].arn, i);
    for (size_t k = 0; k < users_[i].access_keys.size(); ++k) {
      access_key_index_.emplace(users_[i].access_keys[k].id, std::make_pair(i, k));
    }
  }
  for (size_t i = 0; i < service_keys_.size(); ++i) {
    service_key_index_.emplace(service_keys_[i].key.id, i);
  }
  for (size_t i = 0; i < session_keys_.size(); ++i) {
    session_key_index_.emplace(session_keys_[i].key.id, i);
  }
  for (size_t i = 0; i < buckets_.size(); ++i) bucket_index_.emplace(buckets_[i].name, i);
  for (size_t i = 0; i < kms_keys_.size(); ++i) {
    const KmsKey& k = kms_keys_[i];
    kms_index_.emplace(k.arn, i);
    for (const std::string& alias_arn : k.alias_arns) kms_index_.emplace(alias_arn, i);
  }
  for (size_t i = 0; i < clusters_.size(); ++i) cluster_index_.emplace(clusters_[i].id, i);
}

const Account* World::FindAccount(std::string_view id) const {
  const size_t* i = Lookup(account_index_, id);
  return i ? &accounts_[*i] : nullptr;
}

const Role* World::FindRole(std::string_view arn) const {
  const size_t* i = Lookup(role_index_, arn);
  return i ? &roles_[*i] : nullptr;
}

std::vector<const Role*> World::FindRolesByName(std::string_view name) const {
  std::vector<const Role*> out;
  for (const Role& r : roles_) {
    if (r.name == name) out.push_back(&r);
  }
  return out;
}

const IamUser* World::FindUser(std::string_view arn) const {
  const size_t* i = Lookup(user_index_, arn);
  return i ? &users_[*i] : nullptr;
}

std::pair<const IamUser*, const AccessKey*> World::FindAccessKey(std::string_view key_id) const {
  auto it = access_key_index_.find(key_id);
  if (it == access_key_index_.end()) return {nullptr, nullptr};
  const IamUser& u = users_[it->second.first];
  return {&u, &u.access_keys[it->second.second]};
}

const ServiceKey* World::FindServiceKey(std::string_view key_id) const {
  const size_t* i = Lookup(service_key_index_, key_id);
  return i ? &service_keys_[*i] : nullptr;
}

const SessionKey* World::FindSessionKey(std::string_view key_id) const {
  const size_t* i = Lookup(session_key_index_, key_id);
  return i ? &session_keys_[*i] : nullptr;
}

const Bucket* World::FindBucket(std::string_view name) const {
  const size_t* i = Lookup(bucket_index_, name);
  return i ? &buckets_[*i] : nullptr;
}

const KmsKey* World::FindKmsKey(std::string_view arn) const {
  const size_t* i = Lookup(kms_index_, arn);
  return i ? &kms_keys_[*i] : nullptr;
}

const Cluster* World::FindCluster(std::string_view id) const {
  const size_t* i = Lookup(cluster_index_, id);
  return i ? &clusters_[*i] : nullptr;
}

}  // namespace redtrust::sim
