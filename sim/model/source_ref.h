// SourceRef: where an element of a world was written (a file and a line:column in it), so that
// decisions can name the grant, role or policy that decided them as file:line:column; and
// WorldDiagnostic: a finding about a world file.
#ifndef REDTRUST_SIM_MODEL_SOURCE_REF_H_
#define REDTRUST_SIM_MODEL_SOURCE_REF_H_

#include <string>
#include <vector>

#include "engine/base/diagnostic.h"

namespace redtrust::sim {

struct SourceRef {
  std::string file;  // as the loader opened it; "" for built-in elements
  SourcePos pos;     // pos.known() is false when only the file is known

  // "file:line:column", "file" without a position, "" for built-in elements.
  std::string ToString() const;
};

// A Diagnostic (engine/base/diagnostic.h) plus the file its position refers to: the world file,
// a policy file, a SQL script. Codes are listed in docs/world.md.
struct WorldDiagnostic {
  std::string file;  // "" when not about a file
  Diagnostic diagnostic;
  // "FILE:LINE:COLUMN: severity: code: message (help)", the form `redtrust lint` prints.
  std::string ToString() const;
};

using WorldDiagnostics = std::vector<WorldDiagnostic>;

bool HasErrors(const WorldDiagnostics& d);
// Stable: by file (in first-appearance order), then position, then code.
void SortDiagnostics(WorldDiagnostics& d);

}  // namespace redtrust::sim

#endif  // REDTRUST_SIM_MODEL_SOURCE_REF_H_
