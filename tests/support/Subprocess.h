// Runs a helper program (an interop client) to completion with a time limit,
// capturing its stdout and stderr together for the failure message.
#pragma once

#include <string>
#include <vector>

namespace chatd::testing {

struct ProcessResult {
  int status = -1;        // wait status; -1 if it could not start or ran out of time (then killed)
  bool timedOut = false;
  std::string output;     // stdout and stderr, interleaved
  bool exitedZero() const;
};

// A wait status (-1: none yet) that is an exit with `code`.
bool exitedWith(int status, int code);
// A wait status in words, for failure messages: "exit status 1", "killed by signal 9", "still running" (-1).
std::string describeWaitStatus(int status);

// argv[0] is an absolute path or a name looked up in PATH.
ProcessResult runProcess(const std::vector<std::string>& argv, int timeoutMs);

}  // namespace chatd::testing
