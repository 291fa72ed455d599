#include "sim/model/source_ref.h"

#include <algorithm>
#include <tuple>

namespace redtrust::sim {

std::string SourceRef::ToString() const {
  std::string s = file;
  if (!file.empty() && pos.known()) {
    s += ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column);
  }
  return s;
}

std::string WorldDiagnostic::ToString() const {
  const Diagnostic& d = diagnostic;
  std::string s = file;
  if (d.pos.known()) s += ":" + std::to_string(d.pos.line) + ":" + std::to_string(d.pos.column);
  if (!s.empty()) s += ": ";
  s += SeverityName(d.severity);
  s += ": " + d.code + ": " + d.message;
  if (!d.help.empty()) s += " (" + d.help + ")";
  if (!d.pos.known() && !d.path.empty()) s += " [at " + d.path + "]";
  return s;
}

bool HasErrors(const WorldDiagnostics& d) {
  return std::any_of(d.begin(), d.end(), [](const WorldDiagnostic& x) {
    return x.diagnostic.severity == Severity::kError;
  });
}

void SortDiagnostics(WorldDiagnostics& d) {
  // Files keep the order in which they first appear (the world file, then what it names).
  std::vector<std::string> files;
  for (const WorldDiagnostic& x : d) {
    if (std::find(files.begin(), files.end(), x.file) == files.end()) files.push_back(x.file);
  }
  auto rank = [&files](const std::string& f) {
    return static_cast<size_t>(std::find(files.begin(), files.end(), f) - files.begin());
  };
  std::stable_sort(d.begin(), d.end(), [&rank](const WorldDiagnostic& a, const WorldDiagnostic& b) {
    auto key = [&rank](const WorldDiagnostic& x) {
      const SourcePos& p = x.diagnostic.pos;
      return std::make_tuple(rank(x.file), !p.known(), p.line, p.column);
    };
    auto ka = key(a);
    auto kb = key(b);
    if (ka != kb) return ka < kb;
    return a.diagnostic.code < b.diagnostic.code;
  });
}

}  // namespace redtrust::sim
