// WorldStore: the world redtrustd serves, swapped atomically on reload (SIGHUP).
//
// Readers take a snapshot (a shared_ptr<const World>) at the start of a request and use it to the
// end, so a reload never changes the world under a request, and an old world lives until its
// last request finishes. Reload() loads the new world completely before publishing it; a world
// that fails to load is not published and the old one keeps serving.
//
// Thread-safety: every method may be called concurrently. Reload() calls are serialized.
#ifndef REDTRUST_TOOLS_REDTRUSTD_WORLD_STORE_H_
#define REDTRUST_TOOLS_REDTRUSTD_WORLD_STORE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "engine/base/status.h"
#include "sim/model/world.h"

namespace redtrust::server {

class WorldStore {
 public:
  // REQUIRES: world != nullptr (the world loaded from `path` at startup).
  WorldStore(std::string path, std::shared_ptr<const sim::World> world, int64_t loaded_at_micros);

  // The current world; never null.
  std::shared_ptr<const sim::World> Get() const;

  // Loads the world again from its path. On success publishes it, bumps the generation and
  // returns OK; on failure keeps the current world and returns InvalidArgument. Either way
  // *diagnostics (if given) receives the loader's diagnostics (errors and warnings).
  Status Reload(int64_t now_micros, sim::WorldDiagnostics* diagnostics = nullptr);

  const std::string& path() const { return path_; }
  // 1 for the world loaded at startup, +1 per successful reload.
  uint64_t generation() const { return generation_.load(std::memory_order_relaxed); }
  uint64_t reloads_ok() const { return reloads_ok_.load(std::memory_order_relaxed); }
  uint64_t reloads_failed() const { return reloads_failed_.load(std::memory_order_relaxed); }
  // When the world now served was loaded, microseconds since the epoch.
  int64_t loaded_at_micros() const { return loaded_at_.load(std::memory_order_relaxed); }

 private:
  const std::string path_;
  mutable std::mutex mu_;  // guards world_
  std::shared_ptr<const sim::World> world_;
  std::mutex reload_mu_;   // one reload at a time
  std::atomic<uint64_t> generation_{1};
  std::atomic<uint64_t> reloads_ok_{0};
  std::atomic<uint64_t> reloads_failed_{0};
  std::atomic<int64_t> loaded_at_;
};

}  // namespace redtrust::server

#endif  // REDTRUST_TOOLS_REDTRUSTD_WORLD_STORE_H_
