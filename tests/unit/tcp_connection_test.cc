// TcpConnection on a real loop against a peer socket, over AF_UNIX socket
// pairs and over loopback TCP. Small socket buffers force partial writes.
#include "reactor/TcpConnection.h"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tests/unit/reactor_test_util.h"

namespace chatd::reactor {
namespace {

using Push = OutputQueue::PushResult;
using test::runWithin;

constexpr uint64_t kLimitMs = 3000;
constexpr int kSocketBufferBytes = 32 * 1024;

// What a Session saw; outlives the Session, which frees itself when closed.
struct Stats {
  std::string received;
  int dataCalls = 0;
  int drained = 0;
  int closed = 0;
  int hangUps = 0;
  bool destroyed = false;
};

// Owns a connection the way a server session does: hears its callbacks and,
// once closed, hands itself to destroyLater (never deleted inside a callback).
class Session final : public StreamHandler {
 public:
  Session(EventLoop& loop, int fd, size_t limit, Stats& stats) : conn(loop, fd, limit, this), loop_(loop), stats_(stats) {}
  ~Session() { stats_.destroyed = true; }

  void onStreamData(std::span<uint8_t> bytes) override {
    ++stats_.dataCalls;
    stats_.received.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    if (onData) onData();
  }
  void onStreamDrained() override {
    ++stats_.drained;
    if (onDrained) onDrained();
  }
  void onStreamHangUp() override {
    ++stats_.hangUps;
    if (onHangUp) onHangUp();
  }
  void onStreamClosed() override {
    ++stats_.closed;
    EXPECT_EQ(stats_.closed, 1) << "onStreamClosed more than once";
    if (onClosed) onClosed();
    loop_.destroyLater(std::unique_ptr<Session>(this));
  }

  TcpConnection conn;
  std::function<void()> onData, onDrained, onClosed, onHangUp;

 private:
  EventLoop& loop_;
  Stats& stats_;
};

// The other end of the connection, read on the same loop `chunk` bytes per wake-up.
class Peer final : public IoHandler {
 public:
  Peer(EventLoop& loop, int peerFd) : fd(peerFd), loop_(loop) {}
  ~Peer() { hangUp(); }

  void startReading(size_t chunkBytes) {
    chunk_ = chunkBytes;
    ASSERT_EQ(loop_.add(fd, this, EPOLLIN), 0);
  }
  void hangUp() {
    if (fd < 0) return;
    loop_.remove(fd, this);
    close(fd);
    fd = -1;
  }
  void write(std::string_view bytes) { ASSERT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size())); }
  // Waits up to `ms` for bytes, then reads what is there without blocking.
  std::string readNow(int ms) {
    pollfd p{fd, POLLIN, 0};
    poll(&p, 1, ms);
    std::string buf(1 << 16, '\0');
    const ssize_t n = recv(fd, buf.data(), buf.size(), MSG_DONTWAIT);
    buf.resize(n > 0 ? static_cast<size_t>(n) : 0);
    return buf;
  }

  void handleReadable(uint32_t) override {
    std::string buf(chunk_, '\0');
    const ssize_t n = read(fd, buf.data(), chunk_);
    if (n > 0) {
      got.append(buf.data(), static_cast<size_t>(n));
      if (onRead) onRead();
    } else if (n == 0 || errno != EAGAIN) {
      eof = n == 0;
      loop_.remove(fd, this);
      if (onEof) onEof();
    }
  }
  void handleWritable() override {}

  int fd;
  std::string got;
  bool eof = false;
  std::function<void()> onRead, onEof;

 private:
  EventLoop& loop_;
  size_t chunk_ = 0;
};

// Position-dependent bytes: any loss, duplication or reordering shows.
std::string streamBytes(size_t from, size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) {
    const size_t k = from + i;
    s[i] = static_cast<char>((k ^ (k >> 8) ^ (k >> 16)) * 31 + 7);
  }
  return s;
}

// Queues `total` bytes of streamBytes() in blocks of assorted sizes.
void queueStream(TcpConnection& conn, size_t total) {
  for (size_t at = 0, i = 0; at < total; ++i) {
    const size_t n = std::min(total - at, (i * 7919) % 70000 + 1);
    ASSERT_NE(conn.send(BlockRef::copyOf(streamBytes(at, n))), Push::kRefused);
    at += n;
  }
}

// Where two byte strings first differ (npos when equal), without printing megabytes.
size_t firstDifference(const std::string& a, const std::string& b) {
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    if (a[i] != b[i]) return i;
  }
  return a.size() == b.size() ? std::string::npos : std::min(a.size(), b.size());
}

class TcpConnectionTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override { signal(SIGPIPE, SIG_IGN); }
  void TearDown() override {
    for (auto& [session, stats] : sessions_) {
      if (stats->closed == 0) delete session;  // a closed one belongs to the loop
    }
  }

  // A started connection on one end of a fresh pair; the other end is the peer.
  Session* open(std::unique_ptr<Peer>& peer, size_t limit = 8 << 20) {
    int fds[2];
    test::connectedPair(GetParam(), fds);
    setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &kSocketBufferBytes, sizeof kSocketBufferBytes);
    setsockopt(fds[1], SOL_SOCKET, SO_RCVBUF, &kSocketBufferBytes, sizeof kSocketBufferBytes);
    stats_.push_back(std::make_unique<Stats>());
    auto* session = new Session(loop, fds[0], limit, *stats_.back());
    sessions_.emplace_back(session, stats_.back().get());
    EXPECT_EQ(session->conn.start(), 0);
    peer = std::make_unique<Peer>(loop, fds[1]);
    return session;
  }
  Stats& stats(size_t i) { return *stats_[i]; }

  // A small receive buffer, so that most tests also read more than one
  // buffer's worth at a time (the edge-triggered registration must then ask
  // to hear of the rest).
  static constexpr size_t kReceiveBufferBytes = 4096;
  EventLoop loop{kReceiveBufferBytes};

 private:
  std::vector<std::unique_ptr<Stats>> stats_;
  std::vector<std::pair<Session*, Stats*>> sessions_;
};

TEST_P(TcpConnectionTest, DeliversReceivedBytesToTheHandler) {
  std::unique_ptr<Peer> peer;
  Session* s = open(peer);
  const std::string sent = streamBytes(0, 20000);
  s->onData = [&] {
    if (stats(0).received.size() == sent.size()) loop.stop();
  };
  peer->write(sent.substr(0, 5));
  peer->write(sent.substr(5));
  runWithin(loop, kLimitMs);
  EXPECT_EQ(firstDifference(stats(0).received, sent), std::string::npos);
}

// Everything is in the socket before the first read, more than one buffer's
// worth: no new data arrives to raise another edge.
TEST_P(TcpConnectionTest, ReadsEverythingAlreadyWaitingWithoutAnotherEdge) {
  std::unique_ptr<Peer> peer;
  Session* s = open(peer);
  const std::string sent = streamBytes(0, 5 * kReceiveBufferBytes + 17);
  peer->write(sent);
  s->onData = [&] {
    if (stats(0).received.size() == sent.size()) loop.stop();
  };
  runWithin(loop, kLimitMs);
  EXPECT_EQ(firstDifference(stats(0).received, sent), std::string::npos);
  EXPECT_GE(stats(0).dataCalls, 6);
}

// The last bytes and the end of the stream arrive together: one edge for both.
TEST_P(TcpConnectionTest, EndOfStreamBehindTheLastBytesIsSeen) {
  std::unique_ptr<Peer> peer;
  Session* s = open(peer);
  s->onClosed = [&] { loop.stop(); };
  peer->write("goodbye");
  peer->hangUp();
  runWithin(loop, kLimitMs);
  EXPECT_EQ(stats(0).received, "goodbye");
  EXPECT_EQ(stats(0).closed, 1);
}

// More blocks than one flush writes (it stops after 16 writes of 64 blocks,
// for fairness) while the socket still has room: the rest must not wait for
// an edge that never comes.
TEST_P(TcpConnectionTest, OutputCutShortForFairnessCarriesOn) {
  constexpr size_t kBlocks = 4 * 16 * 64 + 5;
  std::unique_ptr<Peer> peer;
  Session* s = open(peer);
  std::string expected;
  for (size_t i = 0; i < kBlocks; ++i) {
    const std::string block = streamBytes(i * 3, 3);
    expected += block;
    ASSERT_NE(s->conn.send(BlockRef::copyOf(block)), Push::kRefused);
  }
  peer->onRead = [&] {
    if (peer->got.size() == expected.size()) loop.stop();
  };
  peer->startReading(64 * 1024);
  runWithin(loop, kLimitMs);
  EXPECT_EQ(firstDifference(peer->got, expected), std::string::npos);
}

TEST_P(TcpConnectionTest, OutputIsCorkedUntilTheEndOfTheIteration) {
  std::unique_ptr<Peer> peer;
  Session* s = open(peer);
  test::FnFlushable probe;  // queued after the connection's flush, so it runs after it
  probe.onFlush = [&] {
    EXPECT_EQ(peer->readNow(1000), "onetwothree");
    EXPECT_EQ(s->conn.queuedBytes(), 0u);
    loop.stop();
  };
  s->onData = [&] {
    EXPECT_EQ(s->conn.send(BlockRef::copyOf("one")), Push::kQueued);
    EXPECT_EQ(s->conn.send(BlockRef::copyOf("two")), Push::kQueued);
    EXPECT_EQ(s->conn.send(BlockRef::copyOf("three")), Push::kQueued);
    EXPECT_EQ(peer->readNow(0), "") << "written before the end of the iteration";
    loop.requestFlush(&probe, probe.queued);
  };
  peer->write("go");
  runWithin(loop, kLimitMs);
}

TEST_P(TcpConnectionTest, LargeSendArrivesWholeAndInOrderThroughPartialWrites) {
  constexpr size_t kTotal = 4 << 20;
  std::unique_ptr<Peer> peer;
  Session* s = open(peer);
  const int epollFd = test::findEpollFd();
  ASSERT_GE(epollFd, 0);
  const int connFd = s->conn.fd();
  queueStream(s->conn, kTotal);
  bool sawWriteArmed = false;
  peer->onRead = [&] {
    const long events = test::registeredEvents(epollFd, connFd);
    sawWriteArmed = sawWriteArmed || (events & EPOLLOUT);
    if (peer->got.size() < kTotal) return;
    EXPECT_EQ(events & EPOLLOUT, 0) << "EPOLLOUT still armed after the queue drained";
    EXPECT_NE(events & EPOLLIN, 0);
    loop.stop();
  };
  peer->startReading(16 * 1024);
  runWithin(loop, kLimitMs);
  EXPECT_TRUE(sawWriteArmed) << "no partial write happened: the test proves nothing";
  EXPECT_EQ(s->conn.queuedBytes(), 0u);
  ASSERT_EQ(peer->got.size(), kTotal);
  EXPECT_EQ(firstDifference(peer->got, streamBytes(0, kTotal)), std::string::npos);
}

// The stall clock's measure of a reader's progress: what the peer has
// acknowledged, which a Unix socket does not tell (0).
TEST_P(TcpConnectionTest, BytesAckedCountsWhatThePeerReceived) {
  constexpr size_t kTotal = 256 * 1024;
  std::unique_ptr<Peer> peer;
  Session* s = open(peer);
  EXPECT_EQ(s->conn.bytesAcked(), 0u);
  queueStream(s->conn, kTotal);
  peer->onRead = [&] {
    if (peer->got.size() == kTotal) loop.stop();
  };
  peer->startReading(16 * 1024);
  runWithin(loop, kLimitMs);
  ASSERT_EQ(peer->got.size(), kTotal);
  if (GetParam()) {
    // The last acknowledgement may be a delayed one.
    for (int waited = 0; s->conn.bytesAcked() < kTotal && waited < 1000; ++waited) usleep(1000);
    EXPECT_EQ(s->conn.bytesAcked(), kTotal);
  } else {
    EXPECT_EQ(s->conn.bytesAcked(), 0u);
  }
}

TEST_P(TcpConnectionTest, SendReportsTheLimitAndDrainedFiresOnceWhenEmpty) {
  constexpr size_t kLimit = 1 << 20, kFirst = 600 * 1024;
  std::unique_ptr<Peer> peer;
  Session* s = open(peer, kLimit);
  EXPECT_EQ(s->conn.send(BlockRef::copyOf(streamBytes(0, kFirst))), Push::kQueued);
  EXPECT_EQ(s->conn.send(BlockRef::copyOf(streamBytes(kFirst, kLimit - kFirst))), Push::kFull);
  EXPECT_EQ(s->conn.send(BlockRef::copyOf("refused")), Push::kRefused);
  EXPECT_EQ(s->conn.queuedBytes(), kLimit);
  s->onDrained = [&] {
    EXPECT_EQ(s->conn.queuedBytes(), 0u);
    EXPECT_EQ(s->conn.send(BlockRef::copyOf("tail")), Push::kQueued);
  };
  const std::string expected = streamBytes(0, kLimit) + "tail";
  peer->onRead = [&] {
    if (peer->got.size() == kLimit) {
      EXPECT_EQ(stats(0).drained, 1);
    }
    if (peer->got.size() >= expected.size()) loop.stop();
  };
  peer->startReading(16 * 1024);
  runWithin(loop, kLimitMs);
  EXPECT_EQ(stats(0).drained, 1);
  EXPECT_EQ(firstDifference(peer->got, expected), std::string::npos);
}

TEST_P(TcpConnectionTest, CloseInsideOnStreamDataIsSafe) {
  std::unique_ptr<Peer> peer;
  Session* s = open(peer);
  s->onData = [&] {
    s->conn.send(BlockRef::copyOf("dropped"));  // a flush is queued for after this callback
    s->conn.close();
    EXPECT_EQ(stats(0).closed, 1);
    EXPECT_FALSE(stats(0).destroyed) << "destroyed inside its own callback";
    EXPECT_TRUE(s->conn.closed());
    EXPECT_EQ(s->conn.send(BlockRef::copyOf("late")), Push::kRefused);
    s->conn.close();  // idempotent
    s->conn.closeAfterFlush();
    loop.stop();
  };
  peer->write("x");
  runWithin(loop, kLimitMs);
  EXPECT_EQ(stats(0).closed, 1);
  EXPECT_EQ(stats(0).dataCalls, 1);
  EXPECT_TRUE(stats(0).destroyed);
  char byte;
  EXPECT_EQ(read(peer->fd, &byte, 1), 0) << "the peer should see EOF, not the dropped output";
}

// Both connections have input in the same iteration; the first handler
// closes the other, whose pending event must not reach it.
TEST_P(TcpConnectionTest, ClosingAnotherConnectionDropsItsPendingInput) {
  std::unique_ptr<Peer> peerA, peerB;
  Session* a = open(peerA);
  Session* b = open(peerB);
  a->onData = [&] {
    b->conn.close();
    loop.stop();
  };
  b->onData = [&] {
    a->conn.close();
    loop.stop();
  };
  peerA->write("a");
  peerB->write("b");
  runWithin(loop, kLimitMs);
  EXPECT_EQ(stats(0).dataCalls + stats(1).dataCalls, 1);
  EXPECT_EQ(stats(0).closed + stats(1).closed, 1);
  EXPECT_TRUE(stats(0).destroyed || stats(1).destroyed);
}

TEST_P(TcpConnectionTest, CloseAfterFlushDeliversEverythingThenEof) {
  for (size_t total : {size_t{0}, size_t{1} << 20}) {
    std::unique_ptr<Peer> peer;
    const size_t index = total == 0 ? 0 : 1;
    Session* s = open(peer);
    queueStream(s->conn, total);
    s->conn.closeAfterFlush();
    EXPECT_TRUE(s->conn.closing());
    const std::string expected = streamBytes(0, total);
    peer->write("unread input must not turn the close into a reset");
    peer->onEof = [&] { peer->hangUp(); };  // the peer answers EOF by closing
    s->onClosed = [&] { loop.stop(); };
    const uint64_t start = EventLoop::monotonicMs();
    peer->startReading(16 * 1024);
    runWithin(loop, kLimitMs);
    EXPECT_LT(EventLoop::monotonicMs() - start, TcpConnection::kLingerMs) << "closed by the linger timer, not the hang-up";
    EXPECT_TRUE(peer->eof);
    EXPECT_EQ(firstDifference(peer->got, expected), std::string::npos) << "total " << total;
    EXPECT_EQ(stats(index).dataCalls, 0);
    EXPECT_EQ(stats(index).closed, 1);
  }
}

TEST_P(TcpConnectionTest, PeerHalfCloseWhileOutputIsPendingStillGetsTheOutput) {
  constexpr size_t kTotal = 2 << 20;
  std::unique_ptr<Peer> peer;
  Session* s = open(peer);
  queueStream(s->conn, kTotal);
  ASSERT_EQ(shutdown(peer->fd, SHUT_WR), 0);
  peer->onEof = [&] { loop.stop(); };
  peer->startReading(16 * 1024);
  runWithin(loop, kLimitMs);
  EXPECT_TRUE(peer->eof);
  EXPECT_EQ(firstDifference(peer->got, streamBytes(0, kTotal)), std::string::npos);
  EXPECT_EQ(stats(0).closed, 1);
  EXPECT_EQ(stats(0).dataCalls, 0);
}

TEST_P(TcpConnectionTest, PeerCloseWithNothingQueuedClosesOnce) {
  std::unique_ptr<Peer> peer;
  Session* s = open(peer);
  s->onClosed = [&] { loop.stop(); };
  peer->hangUp();
  runWithin(loop, kLimitMs);
  EXPECT_EQ(stats(0).closed, 1);
  EXPECT_TRUE(stats(0).destroyed);
}

TEST_P(TcpConnectionTest, PausedReadingHoldsInputUntilResumed) {
  struct Resume final : TimerHandler {
    void handleTimer(Timer&) override { action(); }
    std::function<void()> action;
    Timer timer{this};
  } resume;
  std::unique_ptr<Peer> peer;
  Session* s = open(peer);
  s->conn.pauseReading();
  resume.action = [&] {
    EXPECT_EQ(stats(0).dataCalls, 0);
    s->conn.resumeReading();
  };
  s->onData = [&] { loop.stop(); };
  peer->write("held");
  loop.scheduleTimer(resume.timer, 30);
  runWithin(loop, kLimitMs);
  EXPECT_EQ(stats(0).received, "held");
}

// A connection paused while a request is answered must still learn that its
// peer has gone, without reading the bytes that came before the hang-up.
TEST_P(TcpConnectionTest, PausedReadingStillHearsTheHangUp) {
  std::unique_ptr<Peer> peer;
  Session* s = open(peer);
  s->conn.pauseReading();
  s->onHangUp = [&] { s->conn.close(); };
  s->onClosed = [&] { loop.stop(); };
  peer->write("unread");
  peer->hangUp();
  runWithin(loop, kLimitMs);
  EXPECT_EQ(stats(0).hangUps, 1);
  EXPECT_EQ(stats(0).dataCalls, 0);
  EXPECT_EQ(stats(0).closed, 1);
}

// The hang-up came with the bytes that made the handler pause: it is heard
// even so (no new edge would report it).
TEST_P(TcpConnectionTest, HangUpBehindTheBatchThatPausedIsHeard) {
  std::unique_ptr<Peer> peer;
  Session* s = open(peer);
  s->onData = [&] { s->conn.pauseReading(); };
  s->onHangUp = [&] { s->conn.close(); };
  s->onClosed = [&] { loop.stop(); };
  peer->write("request");
  peer->hangUp();
  runWithin(loop, kLimitMs);
  EXPECT_EQ(stats(0).received, "request");
  EXPECT_EQ(stats(0).hangUps, 1);
}

INSTANTIATE_TEST_SUITE_P(Transports, TcpConnectionTest, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& info) { return info.param ? "Tcp" : "Unix"; });

}  // namespace
}  // namespace chatd::reactor
