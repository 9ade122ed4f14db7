// A webhook receiver for tests: an HTTP/1.1 server on 127.0.0.1 and a free
// port, on a thread of its own, that records every request and answers as
// told: 200, 500, never (it hangs, reading on and answering nothing), or 200
// to a connection's first request and a close to the next (an idle timeout
// crossing a kept-alive client's request).
// Keep-alive: a connection serves requests until the client closes it.
// Holds the shared secret too, in a file (mode 0600) chatd is pointed at.
// With a certificate it speaks HTTPS (blocking OpenSSL on its thread).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "proto/HttpRequest.h"
#include "tests/support/DataDir.h"
#include "tests/support/TestCertificates.h"

typedef struct ssl_ctx_st SSL_CTX;

namespace chatd::testing {

class WebhookReceiver {
 public:
  enum class Answer { kOk, kServerError, kHang, kCloseKeptAlive };

  // `tls`: serve HTTPS with this certificate (TestCertificates); null: plain HTTP.
  explicit WebhookReceiver(const CertificatePair* tls = nullptr);
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  int port() const { return port_; }
  std::string url() const {
    return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) + "/hooks";
  }
  static constexpr char kSecret[] = "a-webhook-secret-known-to-the-receiver";
  const std::string& secretFile() const { return secretFile_; }
  // --webhook-url and --webhook-secret-file for chatd.
  std::vector<std::string> chatdArgs() const {
    return {"--webhook-url", url(), "--webhook-secret-file", secretFile_};
  }
  void answer(Answer answer) { answer_ = answer; }

  // Every request received so far, in arrival order.
  std::vector<proto::HttpRequest> requests() const;
  // How many of them were `type` events (retries of one event included).
  size_t eventsOfType(const std::string& type) const;
  // The first request after the first `skip` whose X-Chatd-Event is `type`,
  // waiting up to `timeoutMs` for it.
  std::optional<proto::HttpRequest> waitForEvent(const std::string& type, int timeoutMs = 5000, size_t skip = 0);
  size_t connectionsAccepted() const { return connections_; }

 private:
  void serve();

  SSL_CTX* tls_ = nullptr;
  DataDir secretDir_;
  std::string secretFile_;
  int listenFd_ = -1;
  int port_ = 0;
  std::atomic<Answer> answer_{Answer::kOk};
  std::atomic<size_t> connections_{0};
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<proto::HttpRequest> requests_;
  std::thread thread_;
};

}  // namespace chatd::testing
