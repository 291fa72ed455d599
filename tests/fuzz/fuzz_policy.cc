// libFuzzer entry point of target policy; the target and its invariants are in policy_fuzz.h.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tests/fuzz/policy_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  redtrust::fuzz::CheckPolicyInput(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
