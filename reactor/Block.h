// Immutable, reference-counted byte blocks: the unit of output. A broadcast
// builds its frame once into one Block and every recipient's OutputQueue holds
// a BlockRef to it. Single-threaded by design (the loop thread owns every
// block), so the count is a plain integer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <string_view>
#include <utility>

namespace chatd::reactor {

class Block {
 public:
  // A block of `size` bytes for the caller to fill through data() before
  // sharing it; the returned pointer holds the only reference.
  static Block* allocate(size_t size);

  uint8_t* data() { return bytes_; }
  const uint8_t* data() const { return bytes_; }
  size_t size() const { return size_; }

  uint32_t refs() const { return refs_; }
  void retain() { ++refs_; }
  void release() {
    if (--refs_ == 0) ::operator delete(this);
  }

 private:
  explicit Block(size_t size) : size_(size) {}

  uint32_t refs_ = 1;
  size_t size_;
  uint8_t bytes_[];  // GNU flexible array member: header and bytes in one allocation
};

// Owning handle to a Block (like an intrusive shared pointer).
class BlockRef {
 public:
  BlockRef() = default;
  explicit BlockRef(Block* adopted) : block_(adopted) {}  // takes over one reference
  BlockRef(const BlockRef& other) : block_(other.block_) {
    if (block_) block_->retain();
  }
  BlockRef(BlockRef&& other) noexcept : block_(std::exchange(other.block_, nullptr)) {}
  BlockRef& operator=(BlockRef other) noexcept {
    std::swap(block_, other.block_);
    return *this;
  }
  ~BlockRef() {
    if (block_) block_->release();
  }

  // A new block holding a copy of `bytes`.
  static BlockRef copyOf(std::string_view bytes);

  explicit operator bool() const { return block_ != nullptr; }
  const uint8_t* data() const { return block_->data(); }
  uint8_t* mutableData() { return block_->data(); }  // only while the block is not yet shared
  size_t size() const { return block_ ? block_->size() : 0; }
  // How many references share the block (0 for an empty handle); lets tests
  // check that queues give their references back.
  uint32_t useCount() const { return block_ ? block_->refs() : 0; }

 private:
  Block* block_ = nullptr;
};

inline Block* Block::allocate(size_t size) {
  void* memory = ::operator new(sizeof(Block) + size);
  return new (memory) Block(size);
}

inline BlockRef BlockRef::copyOf(std::string_view bytes) {
  BlockRef ref(Block::allocate(bytes.size()));
  if (!bytes.empty()) std::memcpy(ref.mutableData(), bytes.data(), bytes.size());
  return ref;
}

}  // namespace chatd::reactor
