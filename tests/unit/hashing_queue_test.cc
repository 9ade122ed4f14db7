// HashingQueue over a real WorkerPool and EventLoop: a bounded line, work for
// clients that hung up dropped before it starts, the line dropped on close().
#include "api/HashingQueue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace chatd::api {
namespace {

using server::HttpReplySink;
using server::HttpResponder;

// A client still connected (answers go to the sink) or one that hung up.
struct FakeClient : HttpReplySink {
  void deliverHttpResponse(proto::HttpResponse) override {}
  HttpResponder responder(bool connected) {
    return HttpResponder(std::make_shared<HttpResponder::State>(
        HttpResponder::State{connected ? this : nullptr, "127.0.0.1"}));
  }
};

TEST(HashingQueue, RefusesPastItsBoundAndDropsWorkWhoseClientLeft) {
  reactor::EventLoop loop;
  reactor::WorkerPool pool(loop, 1);
  HashingQueue queue(pool, 3);
  FakeClient client;
  std::atomic<int> jobsRun{0};
  std::vector<std::string> outcomes;
  auto submit = [&](std::string name, bool connected) {
    return queue.submit(client.responder(connected), [&] { ++jobsRun; }, [&, name](bool ran) {
      outcomes.push_back(name + (ran ? ":ran" : ":dropped"));
      if (outcomes.size() == 4) loop.stop();
    });
  };
  // The first goes straight to the one worker; three wait; the fifth is refused.
  EXPECT_TRUE(submit("a", true));
  EXPECT_TRUE(submit("b", false));  // hangs up before its turn
  EXPECT_TRUE(submit("c", true));
  EXPECT_TRUE(submit("d", true));
  EXPECT_FALSE(submit("e", true));
  EXPECT_EQ(queue.waiting(), 3u);
  loop.run();
  EXPECT_EQ(outcomes, (std::vector<std::string>{"a:ran", "b:dropped", "c:ran", "d:ran"}));
  EXPECT_EQ(jobsRun.load(), 3);
}

TEST(HashingQueue, CloseDropsTheWaitingWorkAndRefusesMore) {
  reactor::EventLoop loop;
  reactor::WorkerPool pool(loop, 1);
  HashingQueue queue(pool, 10);
  FakeClient client;
  std::atomic<int> jobsRun{0};
  int dropped = 0;
  bool firstRan = false;
  queue.submit(client.responder(true), [&] { ++jobsRun; }, [&](bool ran) {
    firstRan = ran;
    loop.stop();
  });
  for (int i = 0; i < 5; ++i) {
    queue.submit(client.responder(true), [&] { ++jobsRun; }, [&](bool ran) { dropped += !ran; });
  }
  queue.close();
  EXPECT_EQ(dropped, 5);
  EXPECT_FALSE(queue.submit(client.responder(true), [] {}, [](bool) {}));
  loop.run();
  EXPECT_TRUE(firstRan);  // what was on a worker finishes
  EXPECT_EQ(jobsRun.load(), 1);
}

}  // namespace
}  // namespace chatd::api
