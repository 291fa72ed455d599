// libFuzzer entry point of target http; the target and its invariants are in http_fuzz.h.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tests/fuzz/http_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  redtrust::fuzz::CheckHttpInput(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
