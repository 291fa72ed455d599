// Byte automata for the exact policy diff (docs/diff.md): nondeterministic finite automata over
// bytes, built from the matchers the evaluator uses (literal, case-folded literal, `*`/`?` glob,
// per-segment ARN glob), and a product exploration that finds every combination of languages a
// string can belong to, each with a shortest witness string.
//
// Semantics mirror engine/condition/values.h GlobMatch and engine/policy/arn.h ArnGlobMatch
// exactly: `*` is any run of bytes, `?` one well-formed UTF-8 unit (values.cc Utf8UnitLength),
// case folding is ASCII only. The property tests in tests/engine/diff check each builder against
// the matcher it mirrors.
//
// Thread-safety: plain values; no shared state.
#ifndef REDTRUST_ENGINE_DIFF_AUTOMATON_H_
#define REDTRUST_ENGINE_DIFF_AUTOMATON_H_

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace redtrust::diff {

using ByteSet = std::bitset<256>;

ByteSet AllBytes();
ByteSet BytesOf(std::string_view chars);       // exactly these bytes
ByteSet ByteRange(unsigned char lo, unsigned char hi);

// An NFA with byte-set edges and epsilon edges. State 0 is the start.
class Nfa {
 public:
  Nfa();  // accepts nothing

  // Builders. `allowed` restricts every byte the language may contain (ARN segments exclude ':').
  static Nfa Empty();                                      // {}
  static Nfa EmptyString();                                // {""}
  static Nfa Literal(std::string_view s, bool ignore_case, const ByteSet& allowed = AllBytes());
  static Nfa Glob(std::string_view pattern, bool ignore_case, const ByteSet& allowed = AllBytes());
  // ArnGlobMatch(pattern, x, prefix_ignore_case) as a language over x.
  static Nfa ArnGlob(std::string_view pattern, bool prefix_ignore_case);
  // Strings that SplitArn accepts whose account part (segment 4) is in `account`, which must
  // not contain ':'.
  static Nfa ArnWithAccount(const Nfa& account);
  static Nfa Repeat(const ByteSet& bytes, size_t min);     // bytes{min,}
  // Well-formed UTF-8 strings (Unicode 15 table 3-7, as engine/base/json.cc reads them: no
  // overlong forms, no surrogates, nothing above U+10FFFF) of at least `min_chars` code points.
  // The strings a JSON text, and so an `eval` line, can carry (\u0000 included).
  static Nfa Utf8Text(size_t min_chars);
  static Nfa Concat(const std::vector<Nfa>& parts);
  static Nfa Union(const std::vector<Nfa>& parts);

  size_t size() const { return accept_.size(); }
  // Direct simulation, for tests and classification.
  bool Accepts(std::string_view s) const;

  struct Edge {
    ByteSet on;
    uint32_t to;
  };
  const std::vector<Edge>& edges(uint32_t s) const { return edges_[s]; }
  const std::vector<uint32_t>& eps(uint32_t s) const { return eps_[s]; }
  bool accepting(uint32_t s) const { return accept_[s]; }

  uint32_t AddState(bool accepting = false);
  void AddEdge(uint32_t from, const ByteSet& on, uint32_t to);
  void AddEps(uint32_t from, uint32_t to);
  void SetAccepting(uint32_t s, bool a) { accept_[s] = a; }
  // Copies `other` into this automaton; returns the offset of its states.
  uint32_t Embed(const Nfa& other);

 private:
  std::vector<std::vector<Edge>> edges_;
  std::vector<std::vector<uint32_t>> eps_;
  std::vector<bool> accept_;
};

// One region of the Venn diagram of the languages: which of them a string is in (bit i for
// language i), with a shortest witness string of that region.
struct Region {
  std::vector<bool> in;
  std::string witness;
};

struct RegionsResult {
  std::vector<Region> regions;  // every non-empty region within the universe, in BFS order
  // false: a limit was reached (some regions may be missing); `limit` says which.
  bool complete = true;
  std::string limit;
  size_t states = 0;            // product states explored
  size_t elements = 0;          // NFA state ids stored over all product states
  size_t work = 0;              // NFA edges followed
};

struct RegionLimits {
  size_t max_states = 200000;  // product states
  // NFA state ids kept over all product states (memory: about 12 bytes each with the index).
  // The product of a long star pattern has long subsets: without this bound memory grows with
  // the square of the pattern length.
  size_t max_elements = 4'000'000;
  size_t max_work = 100'000'000;  // NFA edges followed (time)
};

// Every non-empty region of languages[0..n) within `universe`, by breadth-first search over the
// product of the automata (subset construction on the fly, over the coarsest byte classes).
// Witness bytes are chosen readable where a class allows (letters, digits, then punctuation).
// Cost: O(states * classes * total NFA size); stops at the first limit reached.
RegionsResult FindRegions(const Nfa& universe, const std::vector<const Nfa*>& languages,
                          const RegionLimits& limits);
inline RegionsResult FindRegions(const Nfa& universe, const std::vector<const Nfa*>& languages,
                                 size_t max_states = 200000) {
  RegionLimits l;
  l.max_states = max_states;
  return FindRegions(universe, languages, l);
}

}  // namespace redtrust::diff

#endif  // REDTRUST_ENGINE_DIFF_AUTOMATON_H_
