// Explanation as a post-pass over a traced Decision (STYLE guideline 8): plain-text lines that
// say which statements decided and, for a deny, which statement came close and what failed.
// No evaluation logic lives here.
#ifndef REDTRUST_ENGINE_EVAL_EXPLAIN_H_
#define REDTRUST_ENGINE_EVAL_EXPLAIN_H_

#include <string>
#include <vector>

#include "engine/eval/decision.h"

namespace redtrust {

// "POLICY:LINE:COLUMN (statement N, Sid \"S\")", or without position when unknown.
std::string FormatStatementRef(const StatementRef& ref);

// REQUIRES: d was produced with EvalOptions::trace for the "came close" part; without a trace
// only the deciding statements and the reason are explained.
std::vector<std::string> ExplainDecision(const Decision& d);

}  // namespace redtrust

#endif  // REDTRUST_ENGINE_EVAL_EXPLAIN_H_
