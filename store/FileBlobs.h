// The content-addressed directory of uploaded bytes: <root>/ab/cdef... (the
// sha256 in hex, split after two digits), each content stored once however
// often uploaded; and <root>/tmp, where an upload is written until its
// sha256 is known. FileRecord (Store.h) says who uploaded what.
//
// Every call but pathOf() does blocking file I/O: call it from the worker
// pool, never from the loop. Holds only its root path, so any thread may use it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace chatd::store {

class FileBlobs {
 public:
  explicit FileBlobs(std::string root) : root_(std::move(root)) {}

  // Creates the root and its tmp directory, and checks that files can be
  // written there (a node must not start without: in a cluster, the
  // directory is shared storage every node writes). Removes the temporary
  // files a crash left, untouched for kAbandonedAfterSeconds.
  bool prepare(std::string& error) const;
  std::string pathOf(std::string_view sha256) const;
  // A new temporary file open for writing (its fd; -errno on failure).
  int createTemp(std::string& path) const;
  // Moves the temporary file to its content's place, or removes it when the
  // same content is there already. False with `error` on failure.
  bool commit(const std::string& tempPath, std::string_view sha256, std::string& error) const;

  // Removes the bytes of `sha256` unless they were stored (or stored again)
  // at `storedBeforeSeconds` (unix) or later: the caller knows no record
  // holds them, and an upload of the same bytes that raced it keeps them.
  bool removeIfIdle(std::string_view sha256, int64_t storedBeforeSeconds) const;

  static constexpr int64_t kAbandonedAfterSeconds = 3600;

 private:
  void removeTemporaries() const;

  std::string root_;
};

}  // namespace chatd::store
