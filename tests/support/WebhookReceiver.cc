#include "tests/support/WebhookReceiver.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <memory>

#include "proto/HttpParser.h"

namespace chatd::testing {

namespace {

struct Client {
  int fd;
  SSL* ssl;  // null: plain
  std::unique_ptr<proto::HttpParser> parser;
  std::string pending;  // bytes not parsed yet (after a complete request)
  size_t requests = 0;

  ssize_t read(char* buffer, size_t size) {
    return ssl ? SSL_read(ssl, buffer, static_cast<int>(size)) : ::read(fd, buffer, size);
  }
  void write(const std::string& bytes) {
    if (ssl) {
      SSL_write(ssl, bytes.data(), static_cast<int>(bytes.size()));
    } else {
      (void)!::write(fd, bytes.data(), bytes.size());
    }
  }
  void close() {
    if (ssl) SSL_free(ssl);
    ::close(fd);
    fd = -1;
  }
};

}  // namespace

WebhookReceiver::WebhookReceiver(const CertificatePair* tls) : secretFile_(secretDir_.path() + "/webhook.secret") {
  if (tls) {
    tls_ = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate_chain_file(tls_, tls->certFile.c_str());
    SSL_CTX_use_PrivateKey_file(tls_, tls->keyFile.c_str(), SSL_FILETYPE_PEM);
  }
  std::ofstream(secretFile_) << kSecret << "\n";  // the newline is not part of the secret
  ::chmod(secretFile_.c_str(), 0600);
  listenFd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(listenFd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
  ::listen(listenFd_, 64);
  socklen_t length = sizeof address;
  ::getsockname(listenFd_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { serve(); });
}

WebhookReceiver::~WebhookReceiver() {
  stop_ = true;
  thread_.join();
  ::close(listenFd_);
  SSL_CTX_free(tls_);
}

std::vector<proto::HttpRequest> WebhookReceiver::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

size_t WebhookReceiver::eventsOfType(const std::string& type) const {
  std::lock_guard lock(mutex_);
  size_t count = 0;
  for (const proto::HttpRequest& request : requests_) count += request.header("x-chatd-event") == type;
  return count;
}

std::optional<proto::HttpRequest> WebhookReceiver::waitForEvent(const std::string& type, int timeoutMs,
                                                                size_t skip) {
  std::unique_lock lock(mutex_);
  std::optional<proto::HttpRequest> found;
  arrived_.wait_for(lock, std::chrono::milliseconds(timeoutMs), [&] {
    size_t seen = 0;
    for (const proto::HttpRequest& request : requests_) {
      if (request.header("x-chatd-event") != type || seen++ < skip) continue;
      found = request;
      return true;
    }
    return false;
  });
  return found;
}

void WebhookReceiver::serve() {
  std::vector<Client> clients;
  while (!stop_) {
    std::vector<pollfd> polled{{listenFd_, POLLIN, 0}};
    for (const Client& client : clients) polled.push_back({client.fd, POLLIN, 0});
    if (::poll(polled.data(), polled.size(), 20) <= 0) continue;
    if (polled[0].revents & POLLIN) {
      const int fd = ::accept4(listenFd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd >= 0) {
        ++connections_;
        SSL* ssl = tls_ ? SSL_new(tls_) : nullptr;
        if (ssl) SSL_set_fd(ssl, fd);
        // Blocking: the client starts its handshake at once. A failed one is a closed connection.
        Client client{fd, ssl, std::make_unique<proto::HttpParser>(proto::HttpLimits{}), {}};
        if (ssl && SSL_accept(ssl) != 1) {
          client.close();
        } else {
          clients.push_back(std::move(client));
        }
      }
    }
    for (size_t i = 1; i < polled.size(); ++i) {
      if (!(polled[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      Client& client = clients[i - 1];
      char buffer[16384];
      const ssize_t n = client.read(buffer, sizeof buffer);
      if (n <= 0) {
        client.close();
        continue;
      }
      client.pending.append(buffer, static_cast<size_t>(n));
      // What OpenSSL decrypted beyond that read is not in the socket for poll() to see.
      while (client.ssl && SSL_pending(client.ssl) > 0) {
        const int more = SSL_read(client.ssl, buffer, sizeof buffer);
        if (more <= 0) break;
        client.pending.append(buffer, static_cast<size_t>(more));
      }
      for (;;) {
        const auto result = client.parser->feed(client.pending.data(), client.pending.size());
        client.pending.erase(0, result.consumed);
        if (result.status != proto::HttpParser::Status::kRequest) break;
        {
          std::lock_guard lock(mutex_);
          requests_.push_back(client.parser->takeRequest());
        }
        arrived_.notify_all();
        const Answer answer = answer_;
        if (answer == Answer::kHang) continue;
        if (answer == Answer::kCloseKeptAlive && ++client.requests > 1) {
          client.close();
          break;
        }
        const std::string reply = answer == Answer::kServerError
                                      ? "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\nboom"
                                      : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        client.write(reply);
      }
    }
    std::erase_if(clients, [](const Client& client) { return client.fd < 0; });
  }
  for (Client& client : clients) client.close();
}

}  // namespace chatd::testing
