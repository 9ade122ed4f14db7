#include "tests/support/Subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "tests/support/TestUtil.h"

namespace chatd::testing {

bool exitedWith(int status, int code) { return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == code; }

std::string describeWaitStatus(int status) {
  if (status == -1) return "still running";
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "wait status " + std::to_string(status);
}

bool ProcessResult::exitedZero() const { return !timedOut && exitedWith(status, 0); }

ProcessResult runProcess(const std::vector<std::string>& argv, int timeoutMs) {
  ProcessResult result;
  char outTemplate[] = "/tmp/chatd-proc-XXXXXX";
  const int outFd = mkstemp(outTemplate);
  if (outFd < 0) return result;

  const pid_t pid = fork();
  if (pid == 0) {
    dup2(outFd, STDOUT_FILENO);
    dup2(outFd, STDERR_FILENO);
    std::vector<char*> raw;
    for (const auto& a : argv) raw.push_back(const_cast<char*>(a.c_str()));
    raw.push_back(nullptr);
    execvp(raw[0], raw.data());
    _exit(127);
  }
  close(outFd);
  if (pid > 0) {
    int status = 0;
    const bool exited = eventually([&] { return waitpid(pid, &status, WNOHANG) == pid; }, timeoutMs);
    if (exited) {
      result.status = status;
    } else {
      result.timedOut = true;
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
    }
  }
  std::ifstream in(outTemplate);
  std::stringstream text;
  text << in.rdbuf();
  result.output = text.str();
  unlink(outTemplate);
  return result;
}

}  // namespace chatd::testing
