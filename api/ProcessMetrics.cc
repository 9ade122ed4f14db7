#include "api/ProcessMetrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace chatd::api {

namespace {

// /proc/self/stat's fields after the command name (which may hold spaces and
// parentheses, so the split starts after its last ')'): index 0 is field 3, state.
std::vector<std::string> statFields() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  std::getline(in, line);
  const size_t end = line.rfind(')');
  std::vector<std::string> fields;
  if (end == std::string::npos) return fields;
  std::istringstream rest(line.substr(end + 1));
  for (std::string field; rest >> field;) fields.push_back(field);
  return fields;
}

// Field `n` (1-based, as proc(5) numbers them) as a number; 0 when missing.
double statField(const std::vector<std::string>& fields, size_t n) {
  return n >= 3 && n - 3 < fields.size() ? std::strtod(fields[n - 3].c_str(), nullptr) : 0;
}

double bootTimeSeconds() {
  std::ifstream in("/proc/stat");
  for (std::string key; in >> key;) {
    if (key == "btime") {
      double seconds = 0;
      in >> seconds;
      return seconds;
    }
  }
  return 0;
}

size_t openDescriptors() {
  DIR* dir = ::opendir("/proc/self/fd");
  if (!dir) return 0;
  size_t count = 0;
  while (const dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  ::closedir(dir);
  return count > 0 ? count - 1 : 0;  // less the descriptor opendir() holds
}

}  // namespace

void writeProcessMetrics(MetricsWriter& out) {
  const std::vector<std::string> stat = statFields();
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const double pageBytes = static_cast<double>(::sysconf(_SC_PAGESIZE));
  out.family("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.");
  out.sample("process_cpu_seconds_total", {}, (statField(stat, 14) + statField(stat, 15)) / ticks);
  out.gauge("process_resident_memory_bytes", "Resident memory size in bytes.", statField(stat, 24) * pageBytes);
  out.gauge("process_open_fds", "Number of open file descriptors.", static_cast<double>(openDescriptors()));
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  out.gauge("process_max_fds", "Maximum number of open file descriptors.", static_cast<double>(limit.rlim_cur));
  out.gauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
            bootTimeSeconds() + statField(stat, 22) / ticks);
}

}  // namespace chatd::api
