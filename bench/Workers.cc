#include "bench/Workers.h"

#include <sched.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>
#include <vector>

#include "bench/Scenarios.h"

namespace chatd::bench {

namespace {

constexpr size_t kReservedDescriptors = 64;  // epoll, pipes, stdio, /proc reads

size_t allowedCpus() {
  cpu_set_t set;
  return sched_getaffinity(0, sizeof set, &set) == 0 ? static_cast<size_t>(CPU_COUNT(&set)) : 1;
}

// In the child: run the slice, one byte to `fd` once its connections
// settled (then wait for `releaseFd`), and the result line to `fd`.
[[noreturn]] void runWorker(const Options& options, double rate, size_t first, size_t count, int fd, int releaseFd) {
  RunResult result;
  {
    reactor::EventLoop loop;
    auto run = makeRun(loop, options, first, count, rate);
    run->syncWithOtherWorkers(fd, releaseFd);
    result = run->run();
  }
  const std::string line = result.serialize() + "\n";
  size_t written = 0;
  while (written < line.size()) {
    const ssize_t n = ::write(fd, line.data() + written, line.size() - written);
    if (n <= 0) _exit(3);
    written += static_cast<size_t>(n);
  }
  _exit(0);
}

}  // namespace

size_t raiseDescriptorLimit() {
  rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
  return static_cast<size_t>(limit.rlim_cur);
}

size_t workersFor(size_t connections, size_t descriptors) {
  const size_t perWorker = descriptors > kReservedDescriptors * 2 ? descriptors - kReservedDescriptors : 1;
  return (connections + perWorker - 1) / perWorker;
}

bool runWorkers(const Options& options, double rate, size_t workers, RunResult& merged, std::string& error) {
  struct Child {
    pid_t pid;
    int fd;
  };
  std::vector<Child> children;
  // Closed by the parent once every worker's connections settled: the workers go on together.
  int release[2];
  if (pipe(release) != 0) {
    error = "pipe failed";
    return false;
  }
  size_t first = 0;
  for (size_t w = 0; w < workers; ++w) {
    const size_t count = options.connections / workers + (w < options.connections % workers ? 1 : 0);
    int fds[2];
    if (pipe(fds) != 0) {
      error = "pipe failed";
      ::close(release[0]);
      ::close(release[1]);  // the workers forked so far go on
      return false;
    }
    std::fflush(nullptr);
    const pid_t pid = fork();
    if (pid == 0) {
      ::close(fds[0]);
      ::close(release[1]);
      // Each worker's share of the rate follows its share of the connections.
      runWorker(options, rate * static_cast<double>(count) / static_cast<double>(options.connections), first, count,
                fds[1], release[0]);
    }
    ::close(fds[1]);
    children.push_back({pid, fds[0]});
    first += count;
  }

  ::close(release[0]);
  for (const Child& child : children) {
    char arrived;
    while (::read(child.fd, &arrived, 1) < 0 && errno == EINTR) {
    }  // 0 bytes: that worker died; its missing result says so below
  }
  ::close(release[1]);

  bool ok = true;
  for (size_t i = 0; i < children.size(); ++i) {
    std::string line;
    char buf[65536];
    ssize_t n;
    while ((n = ::read(children[i].fd, buf, sizeof buf)) > 0) line.append(buf, static_cast<size_t>(n));
    ::close(children[i].fd);
    int status = 0;
    waitpid(children[i].pid, &status, 0);
    RunResult part;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !RunResult::deserialize(line, part)) {
      error = "worker " + std::to_string(i) + " failed (status " + std::to_string(status) + ")";
      ok = false;
      continue;
    }
    if (i == 0) {
      merged = std::move(part);
    } else {
      merged.merge(part);
    }
  }
  merged.scenario = options.scenario;
  merged.url = options.url;
  merged.offeredRate = rate;
  merged.workers = workers;
  merged.generatorCores = allowedCpus();
  return ok;
}

}  // namespace chatd::bench
