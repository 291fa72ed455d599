#include "engine/diff/automaton.h"

#include <algorithm>
#include <deque>
#include <unordered_map>

#include "engine/policy/arn.h"

namespace redtrust::diff {

ByteSet AllBytes() { return ByteSet().set(); }

ByteSet BytesOf(std::string_view chars) {
  ByteSet s;
  for (char c : chars) s.set(static_cast<unsigned char>(c));
  return s;
}

ByteSet ByteRange(unsigned char lo, unsigned char hi) {
  ByteSet s;
  for (unsigned b = lo; b <= hi; ++b) s.set(b);
  return s;
}

namespace {

ByteSet CharSet(char c, bool ignore_case) {
  ByteSet s;
  s.set(static_cast<unsigned char>(c));
  if (ignore_case) {
    if (c >= 'a' && c <= 'z') s.set(static_cast<unsigned char>(c - 'a' + 'A'));
    if (c >= 'A' && c <= 'Z') s.set(static_cast<unsigned char>(c - 'A' + 'a'));
  }
  return s;
}

const ByteSet& NoColon() {
  static const ByteSet s = ~BytesOf(":");
  return s;
}

}  // namespace

Nfa::Nfa() { AddState(false); }

Nfa Nfa::Empty() { return Nfa(); }

Nfa Nfa::EmptyString() {
  Nfa n;
  n.SetAccepting(0, true);
  return n;
}

uint32_t Nfa::AddState(bool accepting) {
  edges_.emplace_back();
  eps_.emplace_back();
  accept_.push_back(accepting);
  return static_cast<uint32_t>(accept_.size() - 1);
}

void Nfa::AddEdge(uint32_t from, const ByteSet& on, uint32_t to) {
  if (on.none()) return;
  edges_[from].push_back({on, to});
}

void Nfa::AddEps(uint32_t from, uint32_t to) { eps_[from].push_back(to); }

uint32_t Nfa::Embed(const Nfa& other) {
  const uint32_t off = static_cast<uint32_t>(accept_.size());
  for (uint32_t s = 0; s < other.size(); ++s) AddState(other.accept_[s]);
  for (uint32_t s = 0; s < other.size(); ++s) {
    for (const Edge& e : other.edges_[s]) AddEdge(off + s, e.on, off + e.to);
    for (uint32_t t : other.eps_[s]) AddEps(off + s, off + t);
  }
  return off;
}

Nfa Nfa::Literal(std::string_view s, bool ignore_case, const ByteSet& allowed) {
  Nfa n;
  uint32_t cur = 0;
  for (char c : s) {
    uint32_t next = n.AddState();
    n.AddEdge(cur, CharSet(c, ignore_case) & allowed, next);
    cur = next;
  }
  n.SetAccepting(cur, true);
  return n;
}

Nfa Nfa::Glob(std::string_view pattern, bool ignore_case, const ByteSet& allowed) {
  Nfa n;
  uint32_t cur = 0;
  for (char c : pattern) {
    if (c == '*') {
      n.AddEdge(cur, allowed, cur);  // any run of allowed bytes, then go on from the same state
      continue;
    }
    uint32_t next = n.AddState();
    if (c == '?') {
      // One UTF-8 unit exactly as values.cc Utf8UnitLength accepts it: ASCII, or a lead byte
      // C2-DF / E0-EF / F0-F4 followed by 1 / 2 / 3 continuation bytes (80-BF).
      const ByteSet cont = ByteRange(0x80, 0xBF) & allowed;
      n.AddEdge(cur, ByteRange(0x00, 0x7F) & allowed, next);
      struct Lead { unsigned char lo, hi; int conts; };
      for (Lead l : {Lead{0xC2, 0xDF, 1}, Lead{0xE0, 0xEF, 2}, Lead{0xF0, 0xF4, 3}}) {
        uint32_t s = n.AddState();
        n.AddEdge(cur, ByteRange(l.lo, l.hi) & allowed, s);
        for (int k = 1; k < l.conts; ++k) {
          uint32_t t = n.AddState();
          n.AddEdge(s, cont, t);
          s = t;
        }
        n.AddEdge(s, cont, next);
      }
    } else {
      n.AddEdge(cur, CharSet(c, ignore_case) & allowed, next);
    }
    cur = next;
  }
  n.SetAccepting(cur, true);
  return n;
}

Nfa Nfa::ArnGlob(std::string_view pattern, bool prefix_ignore_case) {
  std::optional<ArnParts> p = SplitArn(pattern);
  if (!p) return Empty();  // a pattern that is not an ARN matches nothing (C12)
  const Nfa colon = Literal(":", false);
  return Concat({Literal("arn:", false), Glob(p->partition, prefix_ignore_case, NoColon()), colon,
                 Glob(p->service, prefix_ignore_case, NoColon()), colon,
                 Glob(p->region, prefix_ignore_case, NoColon()), colon,
                 Glob(p->account, prefix_ignore_case, NoColon()), colon,
                 Glob(p->resource, false)});
}

Nfa Nfa::ArnWithAccount(const Nfa& account) {
  const Nfa seg = Repeat(NoColon(), 0);
  const Nfa colon = Literal(":", false);
  return Concat({Literal("arn:", false), seg, colon, seg, colon, seg, colon, account, colon,
                 Repeat(AllBytes(), 0)});
}

Nfa Nfa::Repeat(const ByteSet& bytes, size_t min) {
  Nfa n;
  uint32_t cur = 0;
  for (size_t i = 0; i < min; ++i) {
    uint32_t next = n.AddState();
    n.AddEdge(cur, bytes, next);
    cur = next;
  }
  n.AddEdge(cur, bytes, cur);
  n.SetAccepting(cur, true);
  return n;
}

Nfa Nfa::Utf8Text(size_t min_chars) {
  // One code point, as engine/base/json.cc Utf8SequenceLength accepts it (table 3-7).
  Nfa one;
  const uint32_t end = one.AddState(true);
  const ByteSet cont = ByteRange(0x80, 0xBF);
  one.AddEdge(0, ByteRange(0x00, 0x7F), end);
  struct Seq { unsigned char lo, hi; unsigned char lo2, hi2; int conts; };
  for (Seq q : {Seq{0xC2, 0xDF, 0x80, 0xBF, 1}, Seq{0xE0, 0xE0, 0xA0, 0xBF, 2},
                Seq{0xE1, 0xEC, 0x80, 0xBF, 2}, Seq{0xED, 0xED, 0x80, 0x9F, 2},
                Seq{0xEE, 0xEF, 0x80, 0xBF, 2}, Seq{0xF0, 0xF0, 0x90, 0xBF, 3},
                Seq{0xF1, 0xF3, 0x80, 0xBF, 3}, Seq{0xF4, 0xF4, 0x80, 0x8F, 3}}) {
    uint32_t s = one.AddState();
    one.AddEdge(0, ByteRange(q.lo, q.hi), s);
    uint32_t t = one.AddState();
    one.AddEdge(s, ByteRange(q.lo2, q.hi2), t);
    for (int k = 1; k < q.conts; ++k) {
      uint32_t u = one.AddState();
      one.AddEdge(t, cont, u);
      t = u;
    }
    one.AddEps(t, end);
  }
  // one{min_chars,}: min copies, then a loop back to the last copy's start.
  Nfa loop = one;
  loop.SetAccepting(end, false);
  loop.AddEps(end, 0);
  loop.SetAccepting(0, true);
  std::vector<Nfa> parts(min_chars, one);
  parts.push_back(loop);
  return Concat(parts);
}

Nfa Nfa::Concat(const std::vector<Nfa>& parts) {
  if (parts.empty()) return EmptyString();
  Nfa n = parts.front();
  for (size_t i = 1; i < parts.size(); ++i) {
    std::vector<uint32_t> ends;
    for (uint32_t s = 0; s < n.size(); ++s) {
      if (n.accept_[s]) ends.push_back(s);
    }
    for (uint32_t s : ends) n.accept_[s] = false;
    uint32_t off = n.Embed(parts[i]);
    for (uint32_t s : ends) n.AddEps(s, off);
  }
  return n;
}

Nfa Nfa::Union(const std::vector<Nfa>& parts) {
  Nfa n;
  for (const Nfa& p : parts) n.AddEps(0, n.Embed(p));
  return n;
}

namespace {

// Sorted, de-duplicated epsilon closure of `set`, in place. `mark` is all zero before and after
// (only the entries set are cleared: O(closure), not O(automaton), per call).
void Close(const Nfa& a, std::vector<uint32_t>* set, std::vector<char>* mark) {
  if (mark->size() < a.size()) mark->resize(a.size(), 0);
  std::vector<uint32_t> stack(*set);
  set->clear();
  while (!stack.empty()) {
    uint32_t s = stack.back();
    stack.pop_back();
    if ((*mark)[s]) continue;
    (*mark)[s] = 1;
    set->push_back(s);
    for (uint32_t t : a.eps(s)) stack.push_back(t);
  }
  for (uint32_t s : *set) (*mark)[s] = 0;
  std::sort(set->begin(), set->end());
}

bool AnyAccepting(const Nfa& a, const std::vector<uint32_t>& set) {
  for (uint32_t s : set) {
    if (a.accepting(s)) return true;
  }
  return false;
}

}  // namespace

bool Nfa::Accepts(std::string_view s) const {
  std::vector<char> mark;
  std::vector<uint32_t> cur = {0};
  Close(*this, &cur, &mark);
  for (char ch : s) {
    const unsigned char b = static_cast<unsigned char>(ch);
    std::vector<uint32_t> next;
    for (uint32_t st : cur) {
      for (const Edge& e : edges_[st]) {
        if (e.on.test(b)) next.push_back(e.to);
      }
    }
    Close(*this, &next, &mark);
    cur.swap(next);
    if (cur.empty()) return false;
  }
  return AnyAccepting(*this, cur);
}

RegionsResult FindRegions(const Nfa& universe, const std::vector<const Nfa*>& languages,
                          const RegionLimits& limits) {
  std::vector<const Nfa*> all = {&universe};
  all.insert(all.end(), languages.begin(), languages.end());
  const size_t k = all.size();

  // Coarsest byte classes: bytes with the same membership in every edge label behave alike.
  std::vector<std::string> sig(256);
  for (const Nfa* a : all) {
    for (uint32_t s = 0; s < a->size(); ++s) {
      for (const Nfa::Edge& e : a->edges(s)) {
        for (unsigned b = 0; b < 256; ++b) sig[b].push_back(e.on.test(b) ? '1' : '0');
      }
    }
  }
  // One representative byte per class, readable first.
  static const std::string kPreferred =
      "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-_.=@+,/:";
  std::vector<unsigned> order;
  for (char c : kPreferred) order.push_back(static_cast<unsigned char>(c));
  for (unsigned b = 0; b < 256; ++b) {
    if (kPreferred.find(static_cast<char>(b)) == std::string::npos) order.push_back(b);
  }
  std::unordered_map<std::string, unsigned> seen_class;
  std::vector<unsigned char> reps;
  for (unsigned b : order) {
    if (seen_class.emplace(sig[b], b).second) reps.push_back(static_cast<unsigned char>(b));
  }

  struct Node {
    std::vector<std::vector<uint32_t>> sets;
    int64_t parent;
    unsigned char byte;
  };
  std::vector<Node> nodes;
  std::unordered_map<std::string, uint32_t> index;
  std::vector<char> mark;
  auto key_of = [](const std::vector<std::vector<uint32_t>>& sets) {
    std::string key;
    for (const auto& s : sets) {
      for (uint32_t x : s) key.append(reinterpret_cast<const char*>(&x), sizeof x);
      key.push_back('\xff');
      key.push_back('\xff');
      key.push_back('\xff');
      key.push_back('\xff');
      key.push_back('|');
    }
    return key;
  };
  std::vector<std::vector<uint32_t>> start(k);
  for (size_t i = 0; i < k; ++i) {
    start[i] = {0};
    Close(*all[i], &start[i], &mark);
  }
  RegionsResult out;
  if (start[0].empty()) return out;
  auto elements_of = [](const std::vector<std::vector<uint32_t>>& sets) {
    size_t n = 0;
    for (const auto& s : sets) n += s.size() + 2;
    return n;
  };
  auto stop = [&](const char* why) {
    out.complete = false;
    out.limit = why;
    out.states = nodes.size();
    return out;
  };
  out.elements = elements_of(start);
  index.emplace(key_of(start), 0);
  nodes.push_back({std::move(start), -1, 0});
  std::unordered_map<std::vector<bool>, size_t> found;
  for (size_t head = 0; head < nodes.size(); ++head) {
    if (AnyAccepting(universe, nodes[head].sets[0])) {
      std::vector<bool> in(k - 1);
      for (size_t i = 1; i < k; ++i) in[i - 1] = AnyAccepting(*all[i], nodes[head].sets[i]);
      if (found.emplace(in, out.regions.size()).second) {
        std::string w;
        for (int64_t n = static_cast<int64_t>(head); nodes[n].parent >= 0; n = nodes[n].parent) {
          w.push_back(static_cast<char>(nodes[n].byte));
        }
        std::reverse(w.begin(), w.end());
        out.regions.push_back({std::move(in), std::move(w)});
      }
    }
    for (unsigned char b : reps) {
      std::vector<std::vector<uint32_t>> next(k);
      for (size_t i = 0; i < k; ++i) {
        for (uint32_t s : nodes[head].sets[i]) {
          out.work += all[i]->edges(s).size() + 1;
          for (const Nfa::Edge& e : all[i]->edges(s)) {
            if (e.on.test(b)) next[i].push_back(e.to);
          }
        }
        out.work += next[i].size();  // the closure
        Close(*all[i], &next[i], &mark);
        if (i == 0 && next[0].empty()) break;  // left the universe: nothing more to find
      }
      if (next[0].empty()) continue;
      if (out.work > limits.max_work) return stop("work");
      std::string key = key_of(next);
      if (index.count(key)) continue;
      if (nodes.size() >= limits.max_states) return stop("states");
      const size_t elements = elements_of(next);
      if (out.elements + elements > limits.max_elements) return stop("memory");
      out.elements += elements;
      index.emplace(std::move(key), static_cast<uint32_t>(nodes.size()));
      nodes.push_back({std::move(next), static_cast<int64_t>(head), b});
    }
  }
  out.states = nodes.size();
  return out;
}

}  // namespace redtrust::diff
