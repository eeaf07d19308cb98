#pragma once
// Non-throwing reads of JSON whose shape is not guaranteed (snapshots from storage,
// events from the shell). With exceptions off a wrong-typed nlohmann read aborts, so
// code reading untrusted trees uses these.
#include <cstdint>
#include <string>

#include "base/json_text.h"

namespace kefu::json {

inline const Json* field(const Json& object, const char* name) {
  if (!object.is_object()) return nullptr;
  auto found = object.find(name);
  return found == object.end() ? nullptr : &*found;
}

inline bool hasString(const Json& object, const char* name) {
  const Json* value = field(object, name);
  return value != nullptr && value->is_string();
}

inline std::string stringOr(const Json& object, const char* name, std::string fallback = {}) {
  const Json* value = field(object, name);
  return value != nullptr && value->is_string() ? value->get<std::string>() : fallback;
}

inline std::int64_t intOr(const Json& object, const char* name, std::int64_t fallback = 0) {
  const Json* value = field(object, name);
  if (value == nullptr || !value->is_number()) return fallback;
  if (value->is_number_float()) {
    const double number = value->get<double>();
    return number >= -9.2e18 && number <= 9.2e18 ? static_cast<std::int64_t>(number) : fallback;
  }
  if (value->is_number_unsigned()) {
    const auto number = value->get<std::uint64_t>();
    return number <= static_cast<std::uint64_t>(INT64_MAX) ? static_cast<std::int64_t>(number) : fallback;
  }
  return value->get<std::int64_t>();
}

inline std::uint64_t uintOr(const Json& object, const char* name, std::uint64_t fallback = 0) {
  const Json* value = field(object, name);
  return value != nullptr && value->is_number_unsigned() ? value->get<std::uint64_t>() : fallback;
}

inline bool boolOr(const Json& object, const char* name, bool fallback = false) {
  const Json* value = field(object, name);
  return value != nullptr && value->is_boolean() ? value->get<bool>() : fallback;
}

}  // namespace kefu::json
