// A free-list allocator for many same-sized, long-lived objects (one per
// connection): slabs of kPerSlab objects with no per-object malloc header,
// and no interleaving with the short-lived allocations of a handshake, which
// would otherwise fragment the heap around every long-lived object.
// Memory is kept for reuse, never returned: it is bounded by the peak count.
// Single-threaded, like everything on the loop.
#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <vector>

namespace chatd::reactor {

template <size_t kObjectSize, size_t kAlign>
class ObjectPool {
 public:
  static constexpr size_t kPerSlab = 256;

  void* allocate() {
    if (!free_) grow();
    FreeNode* node = free_;
    free_ = node->next;
    return node;
  }

  void release(void* object) {
    auto* node = static_cast<FreeNode*>(object);
    node->next = free_;
    free_ = node;
  }

 private:
  struct FreeNode {
    FreeNode* next;
  };
  static constexpr size_t kSlot = (kObjectSize + kAlign - 1) / kAlign * kAlign;
  static_assert(kSlot >= sizeof(FreeNode));

  void grow() {
    auto* slab = static_cast<std::byte*>(::operator new(kSlot * kPerSlab, std::align_val_t{kAlign}));
    slabs_.emplace_back(slab);
    for (size_t i = kPerSlab; i-- > 0;) release(slab + i * kSlot);
  }

  struct SlabDeleter {
    void operator()(std::byte* slab) const { ::operator delete(slab, std::align_val_t{kAlign}); }
  };
  std::vector<std::unique_ptr<std::byte, SlabDeleter>> slabs_;
  FreeNode* free_ = nullptr;
};

}  // namespace chatd::reactor
