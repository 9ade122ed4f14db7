#include "proto/JsonFields.h"

#include <simdjson.h>

namespace chatd::proto {

std::optional<JsonFields> JsonFields::parse(std::string_view body, std::string& error) {
  // One parser per thread, reused: it keeps its buffers between calls.
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto failure = parser.parse(body.data(), body.size()).get(root)) {
    error = std::string("malformed JSON: ") + simdjson::error_message(failure);
    return std::nullopt;
  }
  simdjson::dom::object object;
  if (root.get(object)) {
    error = "the body must be a JSON object";
    return std::nullopt;
  }
  JsonFields fields;
  for (auto [key, value] : object) {
    Field field{};
    switch (value.type()) {
      case simdjson::dom::element_type::STRING:
        field.type = Type::kString;
        field.text = std::string(value.get_string().value());
        break;
      case simdjson::dom::element_type::INT64:
        field.type = Type::kInteger;
        field.number = value.get_int64().value();
        break;
      case simdjson::dom::element_type::BOOL:
        field.type = Type::kBool;
        field.number = value.get_bool().value() ? 1 : 0;
        break;
      case simdjson::dom::element_type::NULL_VALUE: field.type = Type::kNull; break;
      case simdjson::dom::element_type::OBJECT:
        field.type = Type::kObject;
        field.text = simdjson::minify(value);
        break;
      case simdjson::dom::element_type::ARRAY:
        field.type = Type::kArray;
        field.text = simdjson::minify(value);
        break;
      default: field.type = Type::kNumber; break;  // doubles, and integers beyond int64
    }
    fields.fields_[std::string(key)] = std::move(field);  // a repeated key: the last one wins
  }
  return fields;
}

const JsonFields::Field* JsonFields::find(std::string_view name, Type type) const {
  const auto it = fields_.find(std::string(name));
  return it != fields_.end() && it->second.type == type ? &it->second : nullptr;
}

std::optional<JsonFields::Type> JsonFields::typeOf(std::string_view name) const {
  const auto it = fields_.find(std::string(name));
  if (it == fields_.end()) return std::nullopt;
  return it->second.type;
}

std::optional<std::string> JsonFields::string(std::string_view name) const {
  const Field* f = find(name, Type::kString);
  return f ? std::optional<std::string>(f->text) : std::nullopt;
}

std::optional<int64_t> JsonFields::integer(std::string_view name) const {
  const Field* f = find(name, Type::kInteger);
  return f ? std::optional<int64_t>(f->number) : std::nullopt;
}

std::optional<bool> JsonFields::boolean(std::string_view name) const {
  const Field* f = find(name, Type::kBool);
  return f ? std::optional<bool>(f->number != 0) : std::nullopt;
}

std::optional<std::string> JsonFields::object(std::string_view name) const {
  const Field* f = find(name, Type::kObject);
  return f ? std::optional<std::string>(f->text) : std::nullopt;
}

std::optional<std::vector<std::string>> JsonFields::objects(std::string_view name) const {
  const Field* f = find(name, Type::kArray);
  if (!f) return std::nullopt;
  simdjson::dom::parser parser;  // not parse()'s: its document may still be in use
  simdjson::dom::array array;
  if (parser.parse(f->text).get(array)) return std::nullopt;
  std::vector<std::string> out;
  for (simdjson::dom::element element : array) {
    if (element.type() != simdjson::dom::element_type::OBJECT) return std::nullopt;
    out.push_back(simdjson::minify(element));
  }
  return out;
}

std::vector<std::string> JsonFields::names() const {
  std::vector<std::string> out;
  out.reserve(fields_.size());
  for (const auto& [name, field] : fields_) out.push_back(name);
  return out;
}

}  // namespace chatd::proto
