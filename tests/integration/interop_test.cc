// Clients nobody here wrote, against a real chatd: Python's `websockets` and
// Node's `ws` run tests/interop/*_echo_client.* (echo of text and binary of
// several sizes, a ping, a clean close with 1000), uncompressed and with
// permessage-deflate (each client's own compressor and inflater, and its own
// check of what was negotiated), and over wss:// with a certificate from a
// test CA. Run from the repo root.
#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/support/ChatdProcess.h"
#include "tests/support/Subprocess.h"
#include "tests/support/TestCertificates.h"

namespace chatd::testing {

namespace {

constexpr int kClientTimeoutMs = 30000;

// `argv` run with the port appended; over TLS (wss://localhost) when `certificates` is given.
void expectClientSucceeds(const std::vector<std::string>& argv, TestCertificates* certificates = nullptr) {
  std::vector<std::string> args = {"--echo", "/echo"};
  std::vector<std::string> command;
  if (certificates) {
    ASSERT_TRUE(certificates->ok()) << certificates->error();
    const CertificatePair pair = certificates->issue("server", 1);
    args.insert(args.end(), {"--tls-cert", pair.certFile, "--tls-key", pair.keyFile});
    command = {"/usr/bin/env", "CHATD_TLS_CA=" + certificates->caFile()};
  }
  ChatdProcess chatd(args);
  command.insert(command.end(), argv.begin(), argv.end());
  command.push_back(std::to_string(chatd.port()));
  const ProcessResult result = runProcess(command, kClientTimeoutMs);
  EXPECT_FALSE(result.timedOut) << "interop client ran out of time:\n" << result.output;
  EXPECT_TRUE(result.exitedZero()) << "wait status " << result.status << ":\n" << result.output << "\nchatd log:\n"
                                   << chatd.log();
  EXPECT_NE(result.output.find("interop ok"), std::string::npos) << result.output;
}

}  // namespace

// Debian's python3-websockets is installed for the system interpreter only.
TEST(Interop, PythonWebsocketsClient) {
  ASSERT_EQ(access("/usr/bin/python3", X_OK), 0) << "needs /usr/bin/python3 with python3-websockets (scripts/deps.sh)";
  expectClientSucceeds({"/usr/bin/python3", "tests/interop/py_echo_client.py"});
}

TEST(Interop, PythonWebsocketsClientWithPermessageDeflate) {
  ASSERT_EQ(access("/usr/bin/python3", X_OK), 0) << "needs /usr/bin/python3 with python3-websockets (scripts/deps.sh)";
  expectClientSucceeds({"/usr/bin/python3", "tests/interop/py_echo_client.py", "--deflate"});
}

TEST(Interop, NodeWsClient) {
  ASSERT_EQ(access("tests/interop/node_modules/ws/package.json", R_OK), 0)
      << "needs Node's ws: run scripts/deps.sh (npm ci in tests/interop) from the repo root";
  expectClientSucceeds({"node", "tests/interop/node_echo_client.mjs"});
}

TEST(Interop, PythonWebsocketsClientOverTlsWithPermessageDeflate) {
  ASSERT_EQ(access("/usr/bin/python3", X_OK), 0) << "needs /usr/bin/python3 with python3-websockets (scripts/deps.sh)";
  TestCertificates certificates;
  expectClientSucceeds({"/usr/bin/python3", "tests/interop/py_echo_client.py", "--deflate"}, &certificates);
}

TEST(Interop, NodeWsClientOverTlsWithPermessageDeflate) {
  ASSERT_EQ(access("tests/interop/node_modules/ws/package.json", R_OK), 0)
      << "needs Node's ws: run scripts/deps.sh (npm ci in tests/interop) from the repo root";
  TestCertificates certificates;
  expectClientSucceeds({"node", "tests/interop/node_echo_client.mjs", "--deflate"}, &certificates);
}

TEST(Interop, NodeWsClientWithPermessageDeflate) {
  ASSERT_EQ(access("tests/interop/node_modules/ws/package.json", R_OK), 0)
      << "needs Node's ws: run scripts/deps.sh (npm ci in tests/interop) from the repo root";
  expectClientSucceeds({"node", "tests/interop/node_echo_client.mjs", "--deflate"});
}

}  // namespace chatd::testing
