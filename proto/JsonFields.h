// Reads a JSON object whose fields are scalars (the HTTP API's bodies, the
// chat protocol's messages) with simdjson: the top-level object's fields,
// typed, with clear errors for the 400 the API answers. A nested object or
// array is kept as its JSON text, for the caller to parse again (object(),
// objects()).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

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
  // A nested object's JSON text (minified).
  std::optional<std::string> object(std::string_view name) const;
  // An array of objects' elements, each as its JSON text; nullopt unless the
  // field is an array and every element an object.
  std::optional<std::vector<std::string>> objects(std::string_view name) const;
  // Every field's name, in no particular order.
  std::vector<std::string> names() const;

 private:
  struct Field {
    Type type;
    std::string text;  // kString; kObject, kArray: its JSON text
    int64_t number = 0;  // kInteger, kBool
  };
  const Field* find(std::string_view name, Type type) const;

  std::unordered_map<std::string, Field> fields_;
};

}  // namespace chatd::proto
