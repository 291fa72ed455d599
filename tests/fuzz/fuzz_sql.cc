// libFuzzer entry point of target sql; the target and its invariants are in sql_fuzz.h.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tests/fuzz/sql_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  redtrust::fuzz::CheckSqlInput(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
