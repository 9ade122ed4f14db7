#include "tests/support/ChatdProcess.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace chatd::testing {

std::string ChatdProcess::binary() {
  const char* env = std::getenv("CHATD_BIN");
  return env && *env ? env : "build/chatd";
}

ChatdProcess::ChatdProcess(std::vector<std::string> args, long descriptorLimit) {
  char logTemplate[] = "/tmp/chatd-test-XXXXXX";
  const int logFd = mkstemp(logTemplate);
  if (logFd < 0) throw std::runtime_error("mkstemp failed");
  logPath_ = logTemplate;

  std::vector<std::string> argv = {binary(), "--listen", "127.0.0.1:0"};
  if (std::find(args.begin(), args.end(), "--data") == args.end()) {
    char dataTemplate[] = "/tmp/chatd-data-XXXXXX";
    if (!mkdtemp(dataTemplate)) throw std::runtime_error("mkdtemp failed");
    ownDataDir_ = dataTemplate;
    argv.insert(argv.end(), {"--data", ownDataDir_});
  }
  argv.insert(argv.end(), args.begin(), args.end());
  pid_ = fork();
  if (pid_ == 0) {
    dup2(logFd, STDERR_FILENO);
    if (descriptorLimit > 0) {
      const rlimit limit{static_cast<rlim_t>(descriptorLimit), static_cast<rlim_t>(descriptorLimit)};
      setrlimit(RLIMIT_NOFILE, &limit);
    }
    std::vector<char*> raw;
    for (auto& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    execv(raw[0], raw.data());
    _exit(127);
  }
  close(logFd);

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string text = log();
    const size_t at = text.find("listening on 127.0.0.1:");
    if (at != std::string::npos) {
      port_ = std::atoi(text.c_str() + at + std::char_traits<char>::length("listening on 127.0.0.1:"));
      return;
    }
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("chatd exited at start: " + text);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  stop(SIGKILL);
  throw std::runtime_error("chatd did not start listening: " + log());
}

ChatdProcess::~ChatdProcess() {
  if (pid_ > 0) stop(SIGKILL);
  unlink(logPath_.c_str());
  if (!ownDataDir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(ownDataDir_, ignored);
  }
}

std::string ChatdProcess::log() const {
  std::ifstream in(logPath_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

int ChatdProcess::stop(int signo, int timeoutMs) {
  if (pid_ <= 0) return -1;
  kill(pid_, signo);
  const int status = waitForExit(timeoutMs);
  if (status != -1) return status;
  kill(pid_, SIGKILL);
  int ignored;
  waitpid(pid_, &ignored, 0);
  pid_ = -1;
  return -1;
}

int ChatdProcess::waitForExit(int timeoutMs) {
  if (pid_ <= 0) return -1;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return status;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return -1;
}

}  // namespace chatd::testing
