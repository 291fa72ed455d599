// Status and StatusOr: the error values used at every fallible boundary of the engine.
//
// A Status is OK or carries a code and a message. Messages follow docs/diagnostics.md style:
// lowercase, no final period, user input in backticks. Thread-safe as a value type.
#ifndef REDTRUST_ENGINE_BASE_STATUS_H_
#define REDTRUST_ENGINE_BASE_STATUS_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace redtrust {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // malformed input
  kNotFound,            // a named thing does not exist
  kFailedPrecondition,  // valid input that fails against the current state
  kResourceExhausted,   // a documented limit was exceeded
  kInternal,
};

class Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status FailedPrecondition(std::string m) {
    return {StatusCode::kFailedPrecondition, std::move(m)};
  }
  static Status ResourceExhausted(std::string m) {
    return {StatusCode::kResourceExhausted, std::move(m)};
  }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value or the Status that explains why there is none.
template <typename T>
class StatusOr {
 public:
  StatusOr(T value) : v_(std::move(value)) {}            // NOLINT: implicit by design
  StatusOr(Status status) : v_(std::move(status)) {}     // NOLINT: REQUIRES: !status.ok()

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

#define REDTRUST_RETURN_IF_ERROR(expr)            \
  do {                                            \
    ::redtrust::Status redtrust_status_ = (expr); \
    if (!redtrust_status_.ok()) return redtrust_status_; \
  } while (0)

}  // namespace redtrust

#endif  // REDTRUST_ENGINE_BASE_STATUS_H_
