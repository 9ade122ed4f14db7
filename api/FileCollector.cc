#include "api/FileCollector.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "reactor/Log.h"
#include "reactor/WallClock.h"

namespace chatd::api {

FileCollector::FileCollector(reactor::EventLoop& loop, store::FileStore& files, reactor::WorkerPool& workers,
                             const store::FileBlobs& blobs, uint64_t graceMs)
    : loop_(loop), files_(files), workers_(workers), blobs_(blobs), graceMs_(graceMs) {
  sweepAgainIn(std::min(graceMs_, kMaxIntervalMs));
}

void FileCollector::sweepAgainIn(uint64_t delayMs) { loop_.scheduleTimer(timer_, delayMs); }

void FileCollector::sweep() {
  const int64_t cutoffMs = reactor::unixMs() - static_cast<int64_t>(graceMs_);
  files_.collectFiles(cutoffMs, kBatch, [this, cutoffMs](store::StoreStatus status,
                                                          std::vector<store::CollectedFile> files) {
    if (status != store::StoreStatus::kOk) {
      LOG_WARN("file collection: the store failed; retrying later");
      return sweepAgainIn(std::min(graceMs_, kMaxIntervalMs));
    }
    collected_ += files.size();
    auto orphans = std::make_shared<std::vector<std::string>>();
    for (const store::CollectedFile& c : files) {
      if (c.lastCopy) orphans->push_back(c.file.sha256);
    }
    const bool more = files.size() == static_cast<size_t>(kBatch);
    auto removed = std::make_shared<uint64_t>(0);
    workers_.submit(
        [blobs = &blobs_, orphans, removed, storedBefore = cutoffMs / 1000] {
          for (const std::string& sha256 : *orphans) *removed += blobs->removeIfIdle(sha256, storedBefore) ? 1 : 0;
        },
        [this, removed, more] {
          blobsRemoved_ += *removed;
          sweepAgainIn(more ? 0 : std::min(graceMs_, kMaxIntervalMs));
        });
  });
}

}  // namespace chatd::api
