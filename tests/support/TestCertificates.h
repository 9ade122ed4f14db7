// A throwaway certificate authority for TLS tests, made with the openssl
// command line in a temporary directory (removed at the end): its CA file to
// trust, and server certificates it signs for localhost and 127.0.0.1.
#pragma once

#include <string>
#include <vector>

#include "tests/support/DataDir.h"

namespace chatd::testing {

struct CertificatePair {
  std::string certFile;
  std::string keyFile;
};

class TestCertificates {
 public:
  // Creates the CA; ok() is false (and error() says why) if openssl failed.
  TestCertificates();

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  const std::string& caFile() const { return caFile_; }
  const std::string& directory() const { return dir_.path(); }

  // A new key and a certificate for it, signed by the CA with `serial`
  // (decimal), valid from now for a day, or `expired` (valid until yesterday).
  // Files NAME.pem and NAME.key in directory().
  CertificatePair issue(const std::string& name, int serial, bool expired = false);

 private:
  bool run(const std::string& what, const std::vector<std::string>& argv);

  DataDir dir_;
  std::string caFile_;
  std::string caKey_;
  std::string error_;
};

}  // namespace chatd::testing
