// libFuzzer entry point of target world; the target and its invariants are in world_fuzz.h.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tests/fuzz/world_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  redtrust::fuzz::CheckWorldInput(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
