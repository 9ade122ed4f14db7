// The store's side of a message's attachments: each file must be an upload
// of the sender's whose type fits the message's kind (MessageKinds.h); the
// size, the type and, when the client gave none, the name are the upload's.
// A file that is not the sender's is refused as if it did not exist.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "chat/ChatError.h"
#include "store/Store.h"

namespace chatd::chat {

// The attachments filled in, or the error to answer (bad_request; unavailable
// when the store cannot say). Looks the files up at once, answers once all did.
using AttachmentsChecked = std::function<void(std::optional<ChatError>, std::vector<store::Attachment>)>;
void checkAttachments(store::FileStore& files, int64_t senderId, std::string kind,
                      std::vector<store::Attachment> attachments, AttachmentsChecked done);

}  // namespace chatd::chat
