// Test fixture support: runs a real chatd binary on a free port.
//
// The binary is $CHATD_BIN (tests/run.sh sets it to the build under test),
// else build/chatd. chatd is started with --listen 127.0.0.1:0 and the port is
// read from its "listening on" log line; stderr goes to a temporary file so a
// chatty server can never block on a full pipe.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace chatd::testing {

class ChatdProcess {
 public:
  // `descriptorLimit` > 0 caps RLIMIT_NOFILE (soft and hard) in the child,
  // for tests of descriptor exhaustion. Unless `args` name a --data
  // directory, each process gets a fresh one, removed by the destructor.
  explicit ChatdProcess(std::vector<std::string> args = {}, long descriptorLimit = 0);
  ~ChatdProcess();
  ChatdProcess(const ChatdProcess&) = delete;
  ChatdProcess& operator=(const ChatdProcess&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string log() const;

  // Sends `signo` and waits up to `timeoutMs` for the exit; returns the wait
  // status, or -1 if it did not exit in time (it is then killed).
  int stop(int signo, int timeoutMs = 10000);
  // Waits up to `timeoutMs` for chatd to exit on its own (e.g. after a signal
  // sent with kill()); returns the wait status, or -1 if it is still running.
  int waitForExit(int timeoutMs);
  bool running() const { return pid_ > 0; }

  static std::string binary();

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string logPath_;
  std::string ownDataDir_;  // created here, removed by the destructor
};

}  // namespace chatd::testing
