// libFuzzer entry point of target sigv4; the target and its invariants are in sigv4_fuzz.h.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tests/fuzz/sigv4_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  redtrust::fuzz::CheckSigV4Input(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
