// JsonFields on arbitrary bytes: never crashes, and whatever it accepts reads
// back consistently (a field's type agrees with what its typed getter returns),
// and every string it returns survives a round trip through JsonWriter.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "proto/JsonFields.h"
#include "proto/JsonWriter.h"

using chatd::proto::JsonFields;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  std::string error;
  const auto fields = JsonFields::parse(body, error);
  if (!fields) {
    if (error.empty()) std::abort();  // a refusal always says why
    return 0;
  }
  for (const char* key : {"username", "password", "nickname", "type", "room_id", "content", ""}) {
    const auto type = fields->typeOf(key);
    if (fields->string(key).has_value() != (type == JsonFields::Type::kString)) std::abort();
    if (fields->integer(key).has_value() != (type == JsonFields::Type::kInteger)) std::abort();
    if (fields->boolean(key).has_value() != (type == JsonFields::Type::kBool)) std::abort();
    if (const auto text = fields->string(key)) {
      chatd::proto::JsonWriter writer;
      writer.beginObject().key("v").value(*text).endObject();
      std::string again;
      const auto back = JsonFields::parse(writer.str(), again);
      if (!back || back->string("v") != *text) std::abort();
    }
  }
  return 0;
}
