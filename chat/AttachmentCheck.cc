#include "chat/AttachmentCheck.h"

#include <memory>
#include <utility>

#include "chat/MessageKinds.h"

namespace chatd::chat {

namespace err = chat_error;

void checkAttachments(store::FileStore& files, int64_t senderId, std::string kind,
                      std::vector<store::Attachment> attachments, AttachmentsChecked done) {
  struct Check {
    std::vector<store::Attachment> attachments;
    size_t waiting = 0;
    std::optional<ChatError> error;  // the first one found
    AttachmentsChecked done;
  };
  auto check = std::make_shared<Check>(Check{std::move(attachments), 0, std::nullopt, std::move(done)});
  check->waiting = check->attachments.size();
  for (size_t i = 0; i < check->attachments.size(); ++i) {
    files.findFile(check->attachments[i].fileId, [check, i, senderId, kind](store::StoreStatus status,
                                                                             const store::FileRecord& file) {
      store::Attachment& a = check->attachments[i];
      if (check->error) {
        // An earlier file failed the message already.
      } else if (status == store::StoreStatus::kFailed) {
        check->error = ChatError{err::kUnavailable, "store unavailable, retry"};
      } else if (status != store::StoreStatus::kOk || file.ownerId != senderId) {
        check->error = ChatError{err::kBadRequest, "attachments: no upload of yours has the id " + a.fileId};
      } else if (!fitsKind(kind, file.contentType)) {
        check->error = ChatError{err::kBadRequest, "attachments: " + file.name + " is " + file.contentType +
                                                       ", which a " + kind + " message cannot carry"};
      } else {
        a.size = file.size;
        a.contentType = file.contentType;
        if (a.name.empty()) a.name = file.name;
      }
      if (--check->waiting > 0) return;
      if (check->error) return check->done(std::move(check->error), {});
      check->done(std::nullopt, std::move(check->attachments));
    });
  }
}

}  // namespace chatd::chat
