#pragma once
// Error values instead of exceptions: the release wasm is built without exception
// support, so every failure the core can meet must travel as a value to the bindings,
// which hand it to JS as {ok:false, error:{code, message}}.
#include <optional>
#include <string>
#include <utility>

namespace kefu {

struct Error {
  std::string code;     // stable, machine-readable (e.g. "kb_invalid_json")
  std::string message;  // for humans; names the entry and field where there is one
};

template <typename T>
class Result {
 public:
  static Result success(T value) {
    Result result;
    result.value_ = std::move(value);
    return result;
  }
  static Result failure(std::string code, std::string message) {
    Result result;
    result.error_ = Error{std::move(code), std::move(message)};
    return result;
  }
  static Result failure(Error error) {
    Result result;
    result.error_ = std::move(error);
    return result;
  }

  bool ok() const { return value_.has_value(); }
  const T& value() const { return *value_; }
  T& value() { return *value_; }
  const Error& error() const { return error_; }

 private:
  Result() = default;
  std::optional<T> value_;
  Error error_;
};

}  // namespace kefu
