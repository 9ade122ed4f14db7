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

// argv[0] is an absolute path or a name looked up in PATH.
ProcessResult runProcess(const std::vector<std::string>& argv, int timeoutMs);

}  // namespace chatd::testing
