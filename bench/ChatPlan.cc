#include "bench/ChatPlan.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <ctime>
#include <mutex>
#include <thread>

#include "proto/Base64Url.h"
#include "proto/JsonFields.h"
#include "proto/JsonWriter.h"
#include "reactor/TlsContext.h"

namespace chatd::bench {

namespace {

constexpr size_t kSetupThreads = 8;  // concurrent HTTP connections while preparing
constexpr int kIoTimeoutSeconds = 30;

// One keep-alive HTTP/1.1 connection, blocking, for the setup calls only;
// over TLS for a wss:// run (HTTPS on the same port). Each has its own
// client TLS context: the setup threads share nothing, and a context counts
// its handshakes without a lock.
class HttpConnection {
 public:
  explicit HttpConnection(const Options& options) : node_(options.targets.front()) {
    if (options.secure) tlsContext_ = reactor::TlsContext::forClient({.caFile = options.caFile}, tlsError_);
  }
  ~HttpConnection() { disconnect(); }

  // POSTs `body` (JSON) to `path`; the status (0 when the connection failed) and the body.
  int post(const std::string& path, const std::string& token, const std::string& body, std::string& reply) {
    for (int attempt = 0; attempt < 2; ++attempt) {  // once more on a fresh connection if the old one was closed
      if (fd_ < 0 && !connectNow()) return 0;
      std::string request = "POST " + path + " HTTP/1.1\r\nHost: " + node_.host +
                            "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                            "\r\n";
      if (!token.empty()) request += "Authorization: Bearer " + token + "\r\n";
      request += "\r\n" + body;
      int status = 0;
      if (writeAll(request) && readResponse(status, reply)) return status;
      disconnect();
    }
    return 0;
  }

 private:
  bool connectNow() {
    if (!tlsError_.empty()) return false;
    fd_ = ::socket(node_.server.family(), SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return false;
    timeval timeout{kIoTimeoutSeconds, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    const int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(fd_, node_.server.raw(), node_.server.length) != 0) {
      disconnect();
      return false;
    }
    // Blocking, the stream's calls wait (up to the timeouts above) instead
    // of saying "would block", which is then a timeout: a failure here.
    if (tlsContext_ && !(tls_ = tlsContext_->connect(fd_, node_.address))) {
      disconnect();
      return false;
    }
    buffer_.clear();
    return true;
  }

  void disconnect() {
    tls_.reset();
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  bool writeAll(const std::string& data) {
    size_t written = 0;
    while (written < data.size()) {
      const auto* bytes = reinterpret_cast<const uint8_t*>(data.data()) + written;
      ssize_t n;
      if (tls_) {
        const auto result = tls_->write(bytes, data.size() - written);  // the handshake first, on the first call
        n = result.status == reactor::TlsStream::Status::kOk ? static_cast<ssize_t>(result.bytes) : -1;
      } else {
        n = ::send(fd_, bytes, data.size() - written, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
      }
      if (n <= 0) return false;
      written += static_cast<size_t>(n);
    }
    return true;
  }

  bool fill() {
    // One TLS record's room: the stream then reads exactly one record per call
    // (with more room it would go on reading, and block, for another).
    uint8_t chunk[reactor::TlsStream::kMaxRecordPlaintext];
    for (;;) {
      ssize_t n;
      if (tls_) {
        const auto result = tls_->read(chunk);
        n = result.status == reactor::TlsStream::Status::kOk ? static_cast<ssize_t>(result.bytes) : -1;
      } else {
        n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n < 0 && errno == EINTR) continue;
      }
      if (n <= 0) return false;
      buffer_.append(reinterpret_cast<const char*>(chunk), static_cast<size_t>(n));
      return true;
    }
  }

  // Status line, headers (Content-Length only: chatd's API answers with one), body.
  bool readResponse(int& status, std::string& body) {
    size_t headEnd;
    while ((headEnd = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) return false;
    }
    const std::string head = buffer_.substr(0, headEnd);
    if (head.rfind("HTTP/1.1 ", 0) != 0) return false;
    status = std::atoi(head.c_str() + 9);
    std::string lower = head;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    size_t length = 0;
    if (const size_t at = lower.find("\r\ncontent-length:"); at != std::string::npos) {
      length = std::strtoul(lower.c_str() + at + 17, nullptr, 10);
    }
    while (buffer_.size() < headEnd + 4 + length) {
      if (!fill()) return false;
    }
    body = buffer_.substr(headEnd + 4, length);
    buffer_.erase(0, headEnd + 4 + length);
    if (lower.find("\r\nconnection: close") != std::string::npos) disconnect();
    return true;
  }

  const Target& node_;
  std::unique_ptr<reactor::TlsContext> tlsContext_;  // wss:// runs
  std::string tlsError_;                             // the context could not be made
  std::unique_ptr<reactor::TlsStream> tls_;          // while connected over TLS
  std::string buffer_;
  int fd_ = -1;
};

std::string jsonString(std::string_view text) {
  std::string out;
  proto::appendJsonString(out, text);
  return out;
}

// A string field of a JSON object reply, or a nested object's integer field ("room" -> "id").
std::optional<std::string> replyString(const std::string& body, const char* field) {
  std::string error;
  const auto fields = proto::JsonFields::parse(body, error);
  return fields ? fields->string(field) : std::nullopt;
}

std::optional<int64_t> replyNestedId(const std::string& body, const char* object) {
  std::string error;
  const auto fields = proto::JsonFields::parse(body, error);
  if (!fields) return std::nullopt;
  const auto nested = fields->object(object);
  if (!nested) return std::nullopt;
  const auto inner = proto::JsonFields::parse(*nested, error);
  return inner ? inner->integer("id") : std::nullopt;
}

// Runs `work(connection, i)` for i in [0, n) over kSetupThreads threads; the first error wins.
template <typename Work>
bool parallel(const Options& options, size_t n, std::string& error, Work work) {
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex lock;
  std::vector<std::thread> threads;
  for (size_t t = 0; t < std::min(kSetupThreads, n); ++t) {
    threads.emplace_back([&] {
      HttpConnection http(options);
      for (size_t i = next++; i < n && !failed; i = next++) {
        std::string why;
        if (!work(http, i, why)) {
          std::lock_guard<std::mutex> guard(lock);
          if (!failed.exchange(true)) error = why;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  return !failed;
}

std::string runName() {
  static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  uint64_t value = static_cast<uint64_t>(std::time(nullptr)) * 1000 + static_cast<uint64_t>(getpid()) % 1000;
  std::string name;
  while (value) {
    name.insert(name.begin(), kDigits[value % 36]);
    value /= 36;
  }
  return "bench-" + name;
}

}  // namespace

std::string mintHs256Token(const std::string& secret, const std::string& subject, const std::string& name,
                           int64_t expiresAt) {
  const std::string header = R"({"alg":"HS256","typ":"JWT"})";
  const std::string payload = "{\"sub\":" + jsonString(subject) + ",\"name\":" + jsonString(name) +
                              ",\"iat\":" + std::to_string(std::time(nullptr)) +
                              ",\"exp\":" + std::to_string(expiresAt) + "}";
  const std::string input = proto::base64UrlEncode(header) + "." + proto::base64UrlEncode(payload);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &length);
  return input + "." + proto::base64UrlEncode(std::string_view(reinterpret_cast<const char*>(mac), length));
}

std::string ChatPlan::token(size_t index) const {
  if (!jwtSecret.empty()) {
    // An hour is longer than any run (600 s at most); chatd warns at min(60 s, half the life).
    return mintHs256Token(jwtSecret, "bench:" + std::to_string(index), "bench-" + std::to_string(index),
                          static_cast<int64_t>(std::time(nullptr)) + 3600);
  }
  return index < tokens.size() ? tokens[index] : std::string();
}

bool prepareChat(const Options& options, ChatPlan& plan, std::string& error) {
  plan.run = options.userPrefix.empty() ? runName() : options.userPrefix;
  plan.jwtSecret = options.jwtSecret;
  if (plan.jwtSecret.empty()) {
    plan.tokens.assign(options.connections, {});
    const bool ok = parallel(options, options.connections, error, [&](HttpConnection& http, size_t i, std::string& why) {
      const std::string body = "{\"username\":" + jsonString(plan.run + "-" + std::to_string(i)) +
                               ",\"password\":" + jsonString(options.password) + "}";
      std::string reply;
      int status = http.post("/api/v1/register", {}, body, reply);
      if (status == 409) status = http.post("/api/v1/login", {}, body, reply);
      const auto token = replyString(reply, "token");
      if ((status != 200 && status != 201) || !token) {
        why = "registering user " + std::to_string(i) + ": HTTP " + std::to_string(status) + " " + reply +
              (status == 429 ? " (run chatd with --registrations-per-hour 0)" : "");
        return false;
      }
      plan.tokens[i] = *token;
      return true;
    });
    if (!ok) return false;
  }

  const std::string owner = plan.token(0);
  plan.roomIds.assign(options.rooms, 0);
  auto createRoom = [&](HttpConnection& http, size_t k, std::string& why) {
    const std::string body = "{\"name\":" + jsonString(plan.run + "-r" + std::to_string(k)) + ",\"kind\":\"public\"}";
    std::string reply;
    const int status = http.post("/api/v1/rooms", owner, body, reply);
    const auto id = replyNestedId(reply, "room");
    if (status != 201 || !id) {
      why = "creating room " + std::to_string(k) + ": HTTP " + std::to_string(status) + " " + reply +
            (status == 401 ? " (does --jwt-secret match chatd's?)" : "") +
            (status == 429 ? " (run chatd with --rooms-per-hour 0)" : "");
      return false;
    }
    plan.roomIds[k] = *id;
    return true;
  };
  // Room 0 alone first: chatd creates a minted token's user on first sight,
  // and concurrent first sights of one subject race (one of them gets 503).
  HttpConnection first(options);
  if (!createRoom(first, 0, error)) return false;
  const bool rooms = parallel(options, options.rooms - 1, error, [&](HttpConnection& http, size_t k, std::string& why) {
    return createRoom(http, k + 1, why);
  });
  if (!rooms) return false;

  if (options.membersFirst) {
    const bool joined = parallel(options, options.connections, error, [&](HttpConnection& http, size_t i, std::string& why) {
      std::string reply;
      const int status =
          http.post("/api/v1/rooms/" + std::to_string(plan.roomIds[i % options.rooms]) + "/join", plan.token(i), "", reply);
      if (status < 200 || status > 299) {
        why = "user " + std::to_string(i) + " joining its room over HTTP: HTTP " + std::to_string(status) + " " + reply;
        return false;
      }
      return true;
    });
    if (!joined) return false;
  }

  const bool needsHistory = options.scenario == "chat-history" || options.scenario == "chat-mixed";
  if (!needsHistory || options.historyFill == 0) return true;
  const size_t posts = options.rooms * options.historyFill;
  return parallel(options, posts, error, [&](HttpConnection& http, size_t n, std::string& why) {
    const size_t k = n % options.rooms;
    const std::string body = "{\"content\":" + jsonString("history fill " + std::to_string(n / options.rooms)) + "}";
    std::string reply;
    const int status = http.post("/api/v1/rooms/" + std::to_string(plan.roomIds[k]) + "/messages", owner, body, reply);
    if (status != 201) {
      why = "filling room " + std::to_string(plan.roomIds[k]) + ": HTTP " + std::to_string(status) + " " + reply +
            (status == 429 ? " (run chatd with --rate 0)" : "");
      return false;
    }
    return true;
  });
}

}  // namespace chatd::bench
