#include "store/FileBlobs.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <cstring>

namespace chatd::store {

namespace {

bool makeDirectory(const std::string& path, std::string& error) {
  if (::mkdir(path.c_str(), 0700) == 0 || errno == EEXIST) return true;
  error = "cannot create " + path + ": " + std::strerror(errno);
  return false;
}

}  // namespace

bool FileBlobs::prepare(std::string& error) const {
  if (!makeDirectory(root_, error) || !makeDirectory(root_ + "/tmp", error)) return false;
  removeTemporaries();
  // A file made and removed: what an upload will do (access() would pass for root on a read-only mount).
  std::string probe;
  const int fd = createTemp(probe);
  if (fd < 0) {
    error = "cannot write in " + root_ + "/tmp: " + std::strerror(-fd);
    return false;
  }
  ::close(fd);
  ::unlink(probe.c_str());
  return true;
}

// Only those untouched for an hour: in a cluster the directory is shared,
// and another node's uploads in flight are being written to.
void FileBlobs::removeTemporaries() const {
  DIR* dir = ::opendir((root_ + "/tmp").c_str());
  if (!dir) return;
  const time_t cutoff = ::time(nullptr) - kAbandonedAfterSeconds;
  while (const dirent* entry = ::readdir(dir)) {
    struct stat st;
    if (std::string_view(entry->d_name).starts_with("upload-") && ::fstatat(::dirfd(dir), entry->d_name, &st, 0) == 0 &&
        st.st_mtime < cutoff) {
      ::unlinkat(::dirfd(dir), entry->d_name, 0);
    }
  }
  ::closedir(dir);
}

std::string FileBlobs::pathOf(std::string_view sha256) const {
  return root_ + "/" + std::string(sha256.substr(0, 2)) + "/" + std::string(sha256.substr(2));
}

int FileBlobs::createTemp(std::string& path) const {
  path = root_ + "/tmp/upload-XXXXXX";
  const int fd = ::mkostemp(path.data(), O_CLOEXEC);
  return fd >= 0 ? fd : -errno;
}

bool FileBlobs::commit(const std::string& tempPath, std::string_view sha256, std::string& error) const {
  const std::string path = pathOf(sha256);
  if (!makeDirectory(root_ + "/" + std::string(sha256.substr(0, 2)), error)) return false;
  // link() fails on an existing name, where rename() would replace it: the
  // bytes stored first stay, and a download reading them is never cut short.
  if (::link(tempPath.c_str(), path.c_str()) != 0) {
    if (errno != EEXIST) {
      error = "cannot store " + path + ": " + std::strerror(errno);
      ::unlink(tempPath.c_str());
      return false;
    }
    // Stored again: young again, so that removeIfIdle() leaves it.
    ::utimensat(AT_FDCWD, path.c_str(), nullptr, 0);
  }
  ::unlink(tempPath.c_str());
  return true;
}

bool FileBlobs::removeIfIdle(std::string_view sha256, int64_t storedBeforeSeconds) const {
  const std::string path = pathOf(sha256);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || st.st_mtime >= storedBeforeSeconds) return false;
  return ::unlink(path.c_str()) == 0;
}

}  // namespace chatd::store
