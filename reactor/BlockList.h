// The blocks of one output queue, in order: like a std::vector<BlockRef>,
// with room for one block inline. The usual queue on a chat connection holds
// one frame between a read and the end of the iteration; it then costs no
// allocation, and an empty list holds no heap storage at all. 16 bytes, where
// a vector takes 24: this is repeated for every open connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <utility>

#include "reactor/Block.h"

namespace chatd::reactor {

class BlockList {
 public:
  BlockList() : heap_(nullptr) {}
  BlockList(const BlockList&) = delete;
  BlockList& operator=(const BlockList&) = delete;
  ~BlockList() { clear(); }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  BlockRef& operator[](size_t i) { return data()[i]; }
  const BlockRef& operator[](size_t i) const { return data()[i]; }

  void push_back(BlockRef block) {
    if (size_ == capacity_) grow();
    new (data() + size_) BlockRef(std::move(block));
    ++size_;
  }

  // Removes the first `n` blocks (n <= size()), keeping the storage.
  void dropFront(size_t n) {
    BlockRef* blocks = data();
    for (size_t i = 0; i < n; ++i) blocks[i].~BlockRef();
    for (size_t i = n; i < size_; ++i) {
      new (blocks + i - n) BlockRef(std::move(blocks[i]));
      blocks[i].~BlockRef();
    }
    size_ -= static_cast<uint32_t>(n);
  }

  // Removes every block and gives the heap storage back.
  void clear() {
    BlockRef* blocks = data();
    for (size_t i = 0; i < size_; ++i) blocks[i].~BlockRef();
    if (onHeap()) ::operator delete(heap_);
    heap_ = nullptr;
    size_ = 0;
    capacity_ = 1;
  }

 private:
  bool onHeap() const { return capacity_ > 1; }
  BlockRef* data() { return onHeap() ? heap_ : &inline_; }
  const BlockRef* data() const { return onHeap() ? heap_ : &inline_; }

  void grow() {
    const uint32_t capacity = capacity_ < 4 ? 4 : capacity_ * 2;
    auto* fresh = static_cast<BlockRef*>(::operator new(capacity * sizeof(BlockRef)));
    BlockRef* old = data();
    for (size_t i = 0; i < size_; ++i) {
      new (fresh + i) BlockRef(std::move(old[i]));
      old[i].~BlockRef();
    }
    if (onHeap()) ::operator delete(heap_);
    heap_ = fresh;
    capacity_ = capacity;
  }

  // Capacity 1: the one block lives in inline_ (while size_ is 1);
  // otherwise heap_ points at capacity_ slots.
  union {
    BlockRef inline_;
    BlockRef* heap_;
  };
  uint32_t size_ = 0;
  uint32_t capacity_ = 1;
};

}  // namespace chatd::reactor
