// Collects the uploads nothing refers to: every few minutes it asks the
// store to forget files older than --file-grace that no message carries
// (store::FileStore::collectFiles), and removes the bytes of those no other
// record holds, on the file worker pool (the disk is never touched on the
// loop). A full batch is followed at once by the next, so a backlog drains
// without one long store call. In a cluster every node sweeps; the store
// hands each file to one of them.
//
// Owns its timer; borrows the loop, the store, the workers and the blobs.
#pragma once

#include <cstdint>

#include "reactor/EventLoop.h"
#include "reactor/TimerWheel.h"
#include "reactor/WorkerPool.h"
#include "store/FileBlobs.h"
#include "store/Store.h"

namespace chatd::api {

class FileCollector final : private reactor::TimerHandler {
 public:
  static constexpr int kBatch = 200;
  static constexpr uint64_t kMaxIntervalMs = 10 * 60 * 1000;

  FileCollector(reactor::EventLoop& loop, store::FileStore& files, reactor::WorkerPool& workers,
                const store::FileBlobs& blobs, uint64_t graceMs);
  ~FileCollector() { reactor::TimerWheel::cancel(timer_); }

  // Files collected since start, and of those, how many had their bytes removed.
  uint64_t collected() const { return collected_; }
  uint64_t blobsRemoved() const { return blobsRemoved_; }

 private:
  void handleTimer(reactor::Timer&) override { sweep(); }
  void sweep();
  void sweepAgainIn(uint64_t delayMs);

  reactor::EventLoop& loop_;
  store::FileStore& files_;
  reactor::WorkerPool& workers_;
  const store::FileBlobs& blobs_;
  const uint64_t graceMs_;
  reactor::Timer timer_{this};
  uint64_t collected_ = 0;
  uint64_t blobsRemoved_ = 0;
};

}  // namespace chatd::api
