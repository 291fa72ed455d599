#include "tools/redtrustd/world_store.h"

namespace redtrust::server {

WorldStore::WorldStore(std::string path, std::shared_ptr<const sim::World> world,
                       int64_t loaded_at_micros)
    : path_(std::move(path)), world_(std::move(world)), loaded_at_(loaded_at_micros) {}

std::shared_ptr<const sim::World> WorldStore::Get() const {
  std::lock_guard<std::mutex> lock(mu_);
  return world_;
}

Status WorldStore::Reload(int64_t now_micros, sim::WorldDiagnostics* diagnostics) {
  std::lock_guard<std::mutex> reload_lock(reload_mu_);
  // Load outside mu_: requests keep reading the old world while the new one is built.
  sim::LoadResult loaded = sim::LoadWorld(path_);
  size_t errors = 0;
  for (const sim::WorldDiagnostic& d : loaded.diagnostics) {
    errors += d.diagnostic.severity == Severity::kError;
  }
  if (diagnostics) *diagnostics = std::move(loaded.diagnostics);
  if (!loaded.ok()) {
    reloads_failed_.fetch_add(1, std::memory_order_relaxed);
    return Status::InvalidArgument(path_ + ": the world could not be loaded (" +
                                   std::to_string(errors) + " error(s)); still serving generation " +
                                   std::to_string(generation()));
  }
  std::shared_ptr<const sim::World> old;
  {
    std::lock_guard<std::mutex> lock(mu_);
    old = std::move(world_);
    world_ = std::move(loaded.world);
    generation_.fetch_add(1, std::memory_order_relaxed);
    loaded_at_.store(now_micros, std::memory_order_relaxed);
  }
  reloads_ok_.fetch_add(1, std::memory_order_relaxed);
  return Status::Ok();  // `old` is released here, outside the lock, unless a request holds it
}

}  // namespace redtrust::server
