#include "engine/base/status.h"

namespace redtrust {

std::string Status::ToString() const {
  switch (code_) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidArgument: return "invalid argument: " + message_;
    case StatusCode::kNotFound: return "not found: " + message_;
    case StatusCode::kFailedPrecondition: return "failed precondition: " + message_;
    case StatusCode::kResourceExhausted: return "limit exceeded: " + message_;
    case StatusCode::kInternal: return "internal error: " + message_;
  }
  return message_;
}

}  // namespace redtrust
