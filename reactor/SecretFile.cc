#include "reactor/SecretFile.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

namespace chatd::reactor {

std::string secretFileExposure(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return {};
  const bool groupReads = (st.st_mode & S_IRGRP) != 0 && st.st_gid != ::getegid();
  if (!groupReads && (st.st_mode & S_IROTH) == 0) return {};
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
  return path + " holds a secret but its mode " + mode + " lets " +
         ((st.st_mode & S_IROTH) != 0 ? "every local user" : "its group") + " read it: chmod 600 " + path;
}

}  // namespace chatd::reactor
