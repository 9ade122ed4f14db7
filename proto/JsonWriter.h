// Writing the JSON that chatd sends. Output is always valid JSON text:
// quotes, backslashes and control characters are escaped, other bytes pass
// through (callers hand in UTF-8 that was validated on the way in).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace chatd::proto {

// Appends `value` as a quoted JSON string to `out`.
void appendJsonString(std::string& out, std::string_view value);

// Builds one JSON value left to right, commas included:
//   JsonWriter w; w.beginObject().key("id").value(7).key("name").value("ann").endObject();
// The caller nests begin/end correctly; the writer does not check structure.
class JsonWriter {
 public:
  JsonWriter& beginObject() { return open('{'); }
  JsonWriter& endObject() { return close('}'); }
  JsonWriter& beginArray() { return open('['); }
  JsonWriter& endArray() { return close(']'); }
  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(int64_t number);
  JsonWriter& value(bool flag);
  JsonWriter& null();
  // Appends already-serialized JSON as one value.
  JsonWriter& raw(std::string_view json);

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  JsonWriter& open(char bracket);
  JsonWriter& close(char bracket);
  void separate();

  std::string out_;
  bool needComma_ = false;
};

}  // namespace chatd::proto
