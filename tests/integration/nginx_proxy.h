// A real nginx (Debian's nginx-light) in front of a chatd, run with the
// site an operator installs, dist/nginx-chatd.conf, whose listen and upstream
// lines are pointed at free ports: the recipe of docs/deployment.md, tested.
// nginx connects to chatd from 127.0.0.1; clients may connect to nginx from
// other loopback addresses (127.0.0.2, ...) to stand for other clients.
// With a certificate, nginx terminates TLS (docs/deployment.md, "TLS at nginx").
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/support/TestCertificates.h"
#include "tests/support/WsTestClient.h"
#include "tests/unit/redis_server.h"

namespace chatd::testing {

inline std::string nginxBinary() {
  if (access("/usr/sbin/nginx", X_OK) == 0) return "/usr/sbin/nginx";
  return system("command -v nginx >/dev/null 2>&1") == 0 ? "nginx" : "";
}

class NginxProxy {
 public:
  // With `tls`, nginx listens with TLS (the certificate at nginx, chatd plain behind it).
  explicit NginxProxy(int upstreamPort, const CertificatePair* tls = nullptr) : port_(store::test::freePort()) {
    char dirTemplate[] = "/tmp/chatd-nginx-XXXXXX";
    if (mkdtemp(dirTemplate) == nullptr) {
      failure_ = "mkdtemp failed";
      return;
    }
    dir_ = dirTemplate;
    std::string site = readFile("dist/nginx-chatd.conf");
    std::string listen = "listen 127.0.0.1:" + std::to_string(port_);
    if (tls) listen += " ssl;\n    ssl_certificate " + tls->certFile + ";\n    ssl_certificate_key " + tls->keyFile;
    if (!replaceOnce(site, "listen 80;", listen + ";") ||
        !replaceOnce(site, "server 127.0.0.1:8080;", "server 127.0.0.1:" + std::to_string(upstreamPort) + ";")) {
      failure_ = "dist/nginx-chatd.conf has no 'listen 80;' or 'server 127.0.0.1:8080;' line";
      return;
    }
    std::ofstream(dir_ + "/site.conf") << site;
    // Everything nginx writes stays in the directory; run as root (CI), the
    // workers stay root so that they may write there too.
    std::ofstream(dir_ + "/nginx.conf")
        << (getuid() == 0 ? "user root;\n" : "") << "worker_processes 1;\ndaemon off;\npid " << dir_
        << "/nginx.pid;\nerror_log " << dir_ << "/error.log warn;\nevents { worker_connections 1024; }\nhttp {\n"
        << "  access_log off;\n  client_body_temp_path " << dir_ << "/body;\n  proxy_temp_path " << dir_
        << "/proxy;\n  include " << dir_ << "/site.conf;\n}\n";
    start();
  }
  NginxProxy(const NginxProxy&) = delete;
  NginxProxy& operator=(const NginxProxy&) = delete;
  ~NginxProxy() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  bool ready() const { return failure_.empty(); }
  // Why it did not start, with nginx's own error log.
  const std::string& failure() const { return failure_; }
  int port() const { return port_; }

 private:
  static std::string readFile(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  static bool replaceOnce(std::string& text, const std::string& from, const std::string& to) {
    const size_t at = text.find(from);
    if (at == std::string::npos) return false;
    text.replace(at, from.size(), to);
    return true;
  }

  void start() {
    const std::string binary = nginxBinary();
    if (binary.empty()) {
      failure_ = "nginx is not installed";
      return;
    }
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);  // dies with the test binary
      const int devNull = open("/dev/null", O_WRONLY);
      dup2(devNull, STDOUT_FILENO);
      dup2(devNull, STDERR_FILENO);
      const std::string conf = dir_ + "/nginx.conf";
      const std::string errorLog = dir_ + "/error.log";
      execlp(binary.c_str(), binary.c_str(), "-p", dir_.c_str(), "-c", conf.c_str(), "-e", errorLog.c_str(),
             static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int attempt = 0; attempt < 200; ++attempt) {
      WsTestClient probe;
      if (probe.connect(port_)) return;
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      usleep(20'000);
    }
    failure_ = "nginx did not start: " + readFile(dir_ + "/error.log");
  }

  const int port_;
  std::string dir_;
  pid_t pid_ = -1;
  std::string failure_;
};

}  // namespace chatd::testing
