// Inputs the fuzzers found in the simulator's inputs (fixtures/fuzz-regressions/sql, world),
// replayed through the fuzz targets' invariant checks; see docs/hardening.md.
#include <gtest/gtest.h>

#include "tests/fuzz/sql_fuzz.h"
#include "tests/fuzz/world_fuzz.h"
#include "tests/support/fuzz_regressions.h"

namespace redtrust {
namespace {

using testing_support::ReplayFuzzRegressions;

TEST(FuzzRegressions, Sql) { ReplayFuzzRegressions("sql", fuzz::CheckSqlInput); }
TEST(FuzzRegressions, World) { ReplayFuzzRegressions("world", fuzz::CheckWorldInput); }

}  // namespace
}  // namespace redtrust
