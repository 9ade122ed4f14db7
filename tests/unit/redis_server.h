// A throwaway redis-server for the Redis tests: a free port and a
// unix socket in its own temp directory, no persistence unless durable; started in the constructor, killed by
// PID (and its directory removed) in the destructor.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace chatd::store::test {

// Whether the tests that start one can run here.
inline bool haveRedisServer() { return system("command -v redis-server >/dev/null 2>&1") == 0; }

// A port nothing listens on right now (the kernel's pick, released at once).
inline int freePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    close(fd);
    return -1;
  }
  close(fd);
  return ntohs(address.sin_port);
}

class RedisServer {
 public:
  // `durable`: every write is in the append-only file before it is
  // answered (appendfsync always), so a restart() keeps the data.
  explicit RedisServer(const std::string& password = "", bool durable = false)
      : port_(freePort()), password_(password), durable_(durable) {
    char dirTemplate[] = "/tmp/chatd-redis-XXXXXX";
    if (mkdtemp(dirTemplate) == nullptr || port_ < 0) return;
    dir_ = dirTemplate;
    start();
  }
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;
  ~RedisServer() {
    kill();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  bool ready() const { return ready_; }
  int port() const { return port_; }
  std::string url(const std::string& userInfo = "", const std::string& db = "") const {
    return "redis://" + userInfo + "127.0.0.1:" + std::to_string(port_) + db;
  }

  std::string socketPath() const { return dir_ + "/redis.sock"; }

  void kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  void pause() { ::kill(pid_, SIGSTOP); }
  void resume() { ::kill(pid_, SIGCONT); }
  // After kill(): the same port, directory and (when durable) data.
  bool restart() {
    kill();
    start();
    return ready_;
  }

  // A number from INFO `section` (e.g. stats: total_reads_processed; memory:
  // used_memory), by a blocking client; -1 if absent.
  long long stat(const std::string& name, const char* section = "stats") const {
    redisContext* context = redisConnect("127.0.0.1", port_);
    long long value = -1;
    if (context != nullptr && context->err == 0) {
      if (auto* reply = static_cast<redisReply*>(redisCommand(context, "INFO %s", section))) {
        if (reply->type == REDIS_REPLY_STRING) {
          const std::string text(reply->str, reply->len);
          const size_t at = text.find(name + ":");
          if (at != std::string::npos) value = std::stoll(text.substr(at + name.size() + 1));
        }
        freeReplyObject(reply);
      }
    }
    if (context != nullptr) redisFree(context);
    return value;
  }

 private:
  void start() {
    std::vector<std::string> args = {"redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1",
                                      "--save", "", "--dir", dir_, "--unixsocket", socketPath()};
    if (durable_) {
      args.insert(args.end(), {"--appendonly", "yes", "--appendfsync", "always"});
    } else {
      args.insert(args.end(), {"--appendonly", "no"});
    }
    if (!password_.empty()) args.insert(args.end(), {"--requirepass", password_});
    pid_ = fork();
    if (pid_ == 0) {
      // Dies with the test binary, even one that crashed or was killed.
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      const int devNull = open("/dev/null", O_WRONLY);
      dup2(devNull, STDOUT_FILENO);
      dup2(devNull, STDERR_FILENO);
      std::vector<char*> raw;
      for (auto& arg : args) raw.push_back(arg.data());
      raw.push_back(nullptr);
      execvp(raw[0], raw.data());
      _exit(127);
    }
    ready_ = pid_ > 0 && waitUntilAnswering();
  }

  // Any answer will do (with --requirepass, PING answers NOAUTH).
  bool waitUntilAnswering() {
    for (int attempt = 0; attempt < 100; ++attempt) {
      redisContext* context = redisConnect("127.0.0.1", port_);
      if (context != nullptr && context->err == 0) {
        auto* reply = static_cast<redisReply*>(redisCommand(context, "PING"));
        const bool answered = reply != nullptr;
        if (reply != nullptr) freeReplyObject(reply);
        redisFree(context);
        if (answered) return true;
      } else if (context != nullptr) {
        redisFree(context);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  int port_;
  std::string password_;
  bool durable_;
  pid_t pid_ = -1;
  std::string dir_;
  bool ready_ = false;
};

// One redis-server for a whole test binary, started on first use; the tests
// that share it keep apart by key prefix (uniqueKeyPrefix).
inline RedisServer& sharedRedisServer() {
  static RedisServer shared;
  return shared;
}

// A second one, for the suites that shard over two (the first is sharedRedisServer()).
inline RedisServer& sharedSecondRedisServer() {
  static RedisServer second;
  return second;
}

// "<stem><n>:", with n new on every call in this test binary.
inline std::string uniqueKeyPrefix(const std::string& stem) {
  static int issued = 0;
  return stem + std::to_string(++issued) + ":";
}

}  // namespace chatd::store::test
