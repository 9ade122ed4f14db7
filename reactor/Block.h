// Immutable, reference-counted byte blocks: the unit of output. A broadcast
// builds its frame once into one Block and every recipient's OutputQueue holds
// a BlockRef to it. Single-threaded by design (the loop thread owns every
// block), so the count is a plain integer.
//
// A block may carry one block derived from it (another encoding of the same
// content, for the recipients that want that one), made at most once, when
// first asked for, and kept as long as the block is: every recipient then
// shares the derived bytes too, and a block kept for later (a ring of recent
// output) keeps both forms. What the derivation is belongs to the caller.
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
    if (--refs_ == 0) destroy();
  }

 private:
  friend class BlockRef;
  explicit Block(size_t size) : size_(size) {}
  // Out of line: it may release the derived block, which, inlined into a
  // caller's release, leads GCC to see uses after free it cannot rule out.
  [[gnu::noinline]] void destroy() {
    if (derived_ && derived_ != this) derived_->release();
    ::operator delete(this);
  }

  uint32_t refs_ = 1;
  size_t size_;
  // The derived block, one reference owned; `this` when the derivation
  // gave nothing better than the block itself (held without a reference).
  Block* derived_ = nullptr;
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

  // The block derived from this one (see Block): `derive(*this)` makes it the
  // first time, later calls answer the same. `derive` may answer this very
  // block (nothing better), and must not answer an empty handle. A cache on a
  // shared block, hence const; the handle must not be empty.
  template <typename Derive>
  BlockRef derived(Derive&& derive) const {
    if (Block* cached = block_->derived_) {
      cached->retain();
      return BlockRef(cached);
    }
    BlockRef made = derive(*this);
    block_->derived_ = made.block_;
    if (made.block_ != block_) made.block_->retain();  // the cache's own reference
    return made;
  }
  // Whether derived() has made its block (tests, accounting).
  bool hasDerived() const { return block_ && block_->derived_; }

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
