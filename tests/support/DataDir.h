// A temporary --data directory that outlives one chatd process (a restart on
// the same data, a migration of it); removed with everything in it at the end.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace chatd::testing {

class DataDir {
 public:
  DataDir() {
    char path[] = "/tmp/chatd-data-XXXXXX";
    if (mkdtemp(path)) path_ = path;
  }
  ~DataDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  DataDir(const DataDir&) = delete;
  DataDir& operator=(const DataDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace chatd::testing
