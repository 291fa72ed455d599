// Inputs the fuzzers found (fixtures/fuzz-regressions/), replayed through the same invariant
// checks as the fuzz targets; see docs/hardening.md. Simulator targets: tests/sim/.
#include <gtest/gtest.h>

#include "tests/fuzz/condition_fuzz.h"
#include "tests/fuzz/eval_line_fuzz.h"
#include "tests/fuzz/policy_fuzz.h"
#include "tests/support/fuzz_regressions.h"

namespace redtrust {
namespace {

using testing_support::ReplayFuzzRegressions;

TEST(FuzzRegressions, Policy) { ReplayFuzzRegressions("policy", fuzz::CheckPolicyInput); }
TEST(FuzzRegressions, Condition) {
  ReplayFuzzRegressions("condition", fuzz::CheckConditionInput);
}
TEST(FuzzRegressions, EvalLine) { ReplayFuzzRegressions("eval_line", fuzz::CheckEvalLineInput); }

}  // namespace
}  // namespace redtrust
