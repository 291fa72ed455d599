// libFuzzer entry point of target eval_line; the target and its invariants are in eval_line_fuzz.h.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tests/fuzz/eval_line_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  redtrust::fuzz::CheckEvalLineInput(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
