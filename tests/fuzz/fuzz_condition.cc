// libFuzzer entry point of target condition; the target and its invariants are in condition_fuzz.h.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tests/fuzz/condition_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  redtrust::fuzz::CheckConditionInput(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
