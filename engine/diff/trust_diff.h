// Exact semantic diff of two role trust policies (docs/diff.md): every class of sts:AssumeRole-
// family requests to one role whose decision differs between OLD and NEW, each with a concrete
// witness request and the statements that decide it on each side.
//
// Method: the request space is split into dimensions (caller kind; service name; IAM principal
// ARN and session name; federated provider; whether the caller's own identity policies allow;
// action; time; one per condition key). Each dimension's values fall into finitely many atoms: the
// regions of the Venn diagram of every test the two policies make on that dimension, found with
// automata for string tests (automaton.h) and with boundary points for ordered and typed tests.
// Every request in one combination of atoms gets the same decision from both policies, so the
// real evaluator run on one witness per combination decides the whole class. Differing
// combinations are merged into boxes (a set of atoms per dimension) with the same outcome.
//
// Guarantee: when `exact` is true, a request of the universe (docs/diff.md) has different
// decisions under OLD and NEW iff ClassOf() finds it in a reported class. When the policies use
// something outside the decided fragment (policy variables, a key compared both as text and as a
// number, wildcards on service-name keys, too many atoms), `exact` is false and `undecided` says
// what and where; the classes found are still real differences.
//
// Thread-safety: the result is immutable; ClassOf is const and may be called concurrently.
#ifndef REDTRUST_ENGINE_DIFF_TRUST_DIFF_H_
#define REDTRUST_ENGINE_DIFF_TRUST_DIFF_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/status.h"
#include "engine/eval/compiled_policy.h"
#include "engine/eval/decision.h"
#include "engine/eval/request.h"

namespace redtrust::diff {

struct DiffOptions {
  // The role whose trust policy is compared: its account decides same-account (E5) versus
  // cross-account (E6) callers. REQUIRES: an IAM role ARN.
  std::string role_arn = "arn:aws:iam::123456789012:role/diffed-role";
  // The clock when no condition reads aws:CurrentTime / aws:EpochTime.
  int64_t now_micros = 0;
  // The work budget (docs/diff.md "Budget"), so that a diff ends in about a second whatever
  // the policies. Work is counted in units: evaluating a policy on a request costs 1 + its
  // statements + its conditions (three times that when traced). A part of the request space
  // (one caller class and action) that needs more than max_work_per_part, or every part left
  // once max_work is spent, is reported not decided exactly.
  size_t max_work = 4'000'000;
  size_t max_work_per_part = 1'000'000;
  // Multivalued keys: sets are enumerated as subsets of atoms while the atoms are at most this.
  size_t max_set_atoms = 10;
  // Per automaton search (automaton.h FindRegions, RegionLimits): product states, stored NFA
  // state ids (memory, about 12 bytes each) and NFA edges followed (time).
  size_t max_automaton_states = 200'000;
  size_t max_automaton_elements = 4'000'000;
  size_t max_automaton_work = 100'000'000;
};

// The caller's identity policy when `identity_allows`: it allows everything (the diff is about
// the trust policy; the caller's own permissions are one yes/no dimension).
inline constexpr char kCallerIdentityPolicy[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";

// A concrete request: what both policies were evaluated on. It is exactly the request `eval`
// reads from the line {"principal": {TYPE: principal_text}, "action", "resource", "context",
// "now", "identity_policies": [kCallerIdentityPolicy] when identity_allows} (docs/diff.md).
struct Witness {
  Request request;
  bool identity_allows = false;  // the caller's own identity policies allow the action (IAM)
  std::string principal_text;    // the principal as an eval line writes it (AWS/Service/Federated)
};

// One side's answer for a class.
struct SideDecision {
  Effect effect = Effect::kImplicitDeny;
  std::vector<StatementRef> statements;  // deciding statements (allows, or the denies)
  std::string reason;
};

struct DiffClass {
  bool new_access = false;  // NEW allows and OLD does not; else removed access
  // One line per constrained dimension, e.g. "sts:ExternalId: equals \"arn:...\"". Dimensions
  // left out are unconstrained (any value of the universe).
  std::vector<std::string> constraints;
  Witness witness;
  SideDecision old_side, new_side;
  size_t combinations = 0;  // atom combinations merged into this class
};

class TrustDiff {
 public:
  ~TrustDiff();
  TrustDiff(TrustDiff&&) noexcept;
  TrustDiff& operator=(TrustDiff&&) noexcept;

  const std::string& role_arn() const { return role_arn_; }
  const std::vector<DiffClass>& classes() const { return classes_; }
  bool exact() const { return undecided_.empty(); }
  // Why the diff is not exact, one entry per cause, with the policy location where known.
  const std::vector<std::string>& undecided() const { return undecided_; }
  size_t combinations_examined() const { return examined_; }
  // Short description of every dimension and its atom count, for --verbose output.
  std::vector<std::string> DescribeDimensions() const;

  // The index of the reported class holding this request, or nullopt when none does. For the
  // property test and for users who want to know whether a given request changed.
  std::optional<size_t> ClassOf(const Request& request, bool identity_allows) const;

  struct Model;  // dimensions and atoms (trust_diff.cc)

 private:
  friend StatusOr<TrustDiff> DiffTrustPolicies(const CompiledPolicy*, const CompiledPolicy*,
                                               const DiffOptions&);
  TrustDiff();
  std::string role_arn_;
  std::vector<DiffClass> classes_;
  std::vector<std::string> undecided_;
  size_t examined_ = 0;
  std::unique_ptr<Model> model_;
};

// REQUIRES: each policy, when not null, is a compiled trust policy. A null policy is a role
// without one (or no role at all): every request is denied on that side (E4).
StatusOr<TrustDiff> DiffTrustPolicies(const CompiledPolicy* old_policy,
                                      const CompiledPolicy* new_policy,
                                      const DiffOptions& options);

}  // namespace redtrust::diff

#endif  // REDTRUST_ENGINE_DIFF_TRUST_DIFF_H_
