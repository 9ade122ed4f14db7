// Reads a JSON request body whose fields are scalars (the HTTP API's
// register/login/room bodies) with simdjson: the top-level object's fields,
// typed, with clear errors for the 400 the API answers. Nested objects and
// arrays are recorded as such, not descended into.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace chatd::proto {

class JsonFields {
 public:
  enum class Type { kString, kInteger, kNumber, kBool, kNull, kObject, kArray };

  // nullopt (with `error`) unless `body` is one valid JSON object.
  static std::optional<JsonFields> parse(std::string_view body, std::string& error);

  bool has(std::string_view name) const { return fields_.count(std::string(name)) != 0; }
  std::optional<Type> typeOf(std::string_view name) const;
  // The field when it exists with that type; nullopt otherwise.
  std::optional<std::string> string(std::string_view name) const;
  std::optional<int64_t> integer(std::string_view name) const;
  std::optional<bool> boolean(std::string_view name) const;

 private:
  struct Field {
    Type type;
    std::string text;  // kString
    int64_t number = 0;  // kInteger, kBool
  };
  const Field* find(std::string_view name, Type type) const;

  std::unordered_map<std::string, Field> fields_;
};

}  // namespace chatd::proto
