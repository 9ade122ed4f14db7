#include "app/InstalledFiles.h"

#include <sys/stat.h>
#include <unistd.h>

#include <climits>

namespace chatd::app {

std::string installedWebRoot() {
  char exe[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return {};
  const std::string binary(exe, static_cast<size_t>(n));
  const size_t slash = binary.rfind('/');
  if (slash == std::string::npos) return {};
  const std::string root = binary.substr(0, slash) + "/../share/chatd/web";
  struct stat st;
  if (::stat(root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return {};
  return root;
}

}  // namespace chatd::app
