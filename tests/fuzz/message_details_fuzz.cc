// MessageDetails on arbitrary bytes (what a damaged database or Redis record
// could hold): never crashes, fills nothing in unless it accepts, and what it
// accepts reads back the same after encoding it again.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "store/MessageDetails.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  chatd::store::Message m;
  if (!chatd::store::decodeMessageDetails(bytes, m)) {
    if (!m.attachments.empty() || !m.call.outcome.empty()) std::abort();
    return 0;
  }
  // Varints have more than one spelling (trailing zero groups): compare by meaning.
  chatd::store::Message again;
  if (!chatd::store::decodeMessageDetails(chatd::store::encodeMessageDetails(m.attachments, m.call), again)) std::abort();
  if (again.attachments.size() != m.attachments.size() || again.call.outcome != m.call.outcome) std::abort();
  for (size_t i = 0; i < m.attachments.size(); ++i) {
    if (again.attachments[i].fileId != m.attachments[i].fileId || again.attachments[i].size != m.attachments[i].size) {
      std::abort();
    }
  }
  return 0;
}
