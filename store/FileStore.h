// File records, one role of the Store (Store.h): what an upload stores, a
// download and a message ask, and the collection of files nothing refers to.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/StoreAnswer.h"

namespace chatd::store {

// An uploaded file: who uploaded which bytes, under what name and type. The
// bytes themselves are in the content-addressed directory under the data
// directory (store/FileBlobs.h), once per sha256 however often uploaded.
struct FileRecord {
  std::string id;  // 32 random hex digits: unguessable, and not the sha256
  int64_t ownerId = 0;
  std::string name;
  std::string contentType;  // what chatd decided (proto/MediaSniffer.h), not what the client said
  int64_t size = 0;
  std::string sha256;  // lowercase hex
  int64_t createdAt = 0;  // unix milliseconds
};

// A file record collectFiles() forgot.
struct CollectedFile {
  FileRecord file;
  bool lastCopy = false;  // no record holds its sha256 now: its bytes may be removed
};

// File records: what an upload stores, a download and a message ask, and
// the collection of files nothing refers to. A message's attachments refer
// to their files (MessageLog::append() records it).
class FileStore {
 public:
  virtual ~FileStore() = default;

  // Records an upload. kOverQuota, and nothing stored, when the owner's files
  // would then hold more than `quotaBytes` bytes (0: no limit); each upload
  // counts, also one whose bytes were already stored for another.
  virtual void addFile(FileRecord file, uint64_t quotaBytes, Callback<FileRecord> done) = 0;
  // kNotFound when no file has that id.
  virtual void findFile(std::string id, Callback<FileRecord> done) = 0;
  // How many bytes the user's files hold, as the quota counts them.
  virtual void fileBytesOf(int64_t ownerId, Callback<int64_t> done) = 0;
  // Whether `userId` may read the file for being in a room where a message
  // carries it: a member of it, or any user for a public room.
  virtual void fileSharedWith(std::string id, int64_t userId, Callback<bool> done) = 0;
  // Forgets up to `limit` files uploaded before `uploadedBeforeMs` that no
  // message refers to and that are nobody's avatar, and answers them; for
  // each, `lastCopy` says that no other record holds its sha256 any more,
  // so its bytes may go (the caller removes them: FileBlobs).
  virtual void collectFiles(int64_t uploadedBeforeMs, int limit, Callback<std::vector<CollectedFile>> done) = 0;
};

}  // namespace chatd::store
