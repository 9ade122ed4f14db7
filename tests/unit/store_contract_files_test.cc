// The store contract for file records: what an upload stores, a download
// finds, and the per-user quota.
#include <gtest/gtest.h>

#include <string>

#include "tests/unit/store_contract.h"

namespace chatd::store {
namespace {

template <typename Backend>
class StoreContractFiles : public StoreContract<Backend> {
 protected:
  FileRecord add(std::string id, int64_t owner, int64_t size, uint64_t quota = 0,
                 StoreStatus expected = StoreStatus::kOk) {
    FileRecord file{std::move(id), owner, "photo.png", "image/png", size, std::string(64, 'a'), 0};
    return this->template await<FileRecord>([&](auto done) { this->store_->addFile(file, quota, done); }, expected);
  }
  int64_t bytesOf(int64_t owner) {
    return this->template await<int64_t>([&](auto done) { this->store_->fileBytesOf(owner, done); });
  }
};

TYPED_TEST_SUITE(StoreContractFiles, StoreBackends);

TYPED_TEST(StoreContractFiles, AnAddedFileIsFoundByItsIdAfterARestart) {
  const FileRecord added = this->add("0123456789abcdef0123456789abcdef", this->ann_, 1234);
  EXPECT_EQ(added.id, "0123456789abcdef0123456789abcdef");
  EXPECT_GT(added.createdAt, 0);
  this->reopen();
  const FileRecord found = this->template await<FileRecord>(
      [&](auto done) { this->store_->findFile("0123456789abcdef0123456789abcdef", done); });
  EXPECT_EQ(found.ownerId, this->ann_);
  EXPECT_EQ(found.name, "photo.png");
  EXPECT_EQ(found.contentType, "image/png");
  EXPECT_EQ(found.size, 1234);
  EXPECT_EQ(found.sha256, std::string(64, 'a'));
  EXPECT_EQ(found.createdAt, added.createdAt);
  this->template await<FileRecord>([&](auto done) { this->store_->findFile("ffff", done); }, StoreStatus::kNotFound);
}

TYPED_TEST(StoreContractFiles, EachUploadCountsAgainstItsOwnersQuota) {
  EXPECT_EQ(this->bytesOf(this->ann_), 0);
  this->add("a1", this->ann_, 600, 1000);
  this->add("a2", this->ann_, 400, 1000);  // exactly the quota
  EXPECT_EQ(this->add("a3", this->ann_, 1, 1000, StoreStatus::kOverQuota).size, 1000);
  this->template await<FileRecord>([&](auto done) { this->store_->findFile("a3", done); }, StoreStatus::kNotFound);
  this->add("b1", this->bob_, 1000, 1000);  // another user's quota
  this->add("a4", this->ann_, 5000);        // no quota
  EXPECT_EQ(this->bytesOf(this->ann_), 6000);
  EXPECT_EQ(this->bytesOf(this->bob_), 1000);
}

TYPED_TEST(StoreContractFiles, AFileNeedsAnOwnerAndAnIdOfItsOwn) {
  this->add("c1", 999, 10, 0, StoreStatus::kNotFound);
  this->add("c2", this->ann_, 10);
  this->add("c2", this->bob_, 10, 0, StoreStatus::kConflict);
  EXPECT_EQ(this->bytesOf(this->bob_), 0);
}

}  // namespace
}  // namespace chatd::store
