#include "tests/support/TestCertificates.h"

#include <fstream>

#include "tests/support/Subprocess.h"

namespace chatd::testing {

namespace {
constexpr int kOpensslTimeoutMs = 20000;
}  // namespace

bool TestCertificates::run(const std::string& what, const std::vector<std::string>& argv) {
  const ProcessResult result = runProcess(argv, kOpensslTimeoutMs);
  if (result.exitedZero()) return true;
  if (error_.empty()) error_ = what + " failed:\n" + result.output;
  return false;
}

TestCertificates::TestCertificates() {
  caFile_ = dir_.path() + "/ca.pem";
  caKey_ = dir_.path() + "/ca.key";
  run("creating the test CA", {"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                               "-nodes", "-keyout", caKey_, "-out", caFile_, "-days", "2", "-subj",
                               "/CN=chatd test CA"});
}

CertificatePair TestCertificates::issue(const std::string& name, int serial, bool expired) {
  const std::string base = dir_.path() + "/" + name;
  CertificatePair pair{base + ".pem", base + ".key"};
  const std::string request = base + ".csr";
  const std::string extensions = base + ".ext";
  std::ofstream(extensions) << "subjectAltName=DNS:localhost,IP:127.0.0.1\n";
  run("a key and request for " + name,
      {"openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
       pair.keyFile, "-out", request, "-subj", "/CN=localhost"});
  // -days -1: valid from now until yesterday, which no check accepts.
  run("signing " + name, {"openssl", "x509", "-req", "-in", request, "-CA", caFile_, "-CAkey", caKey_, "-set_serial",
                          std::to_string(serial), "-days", expired ? "-1" : "1", "-extfile", extensions, "-out",
                          pair.certFile});
  return pair;
}

}  // namespace chatd::testing
