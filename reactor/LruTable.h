// A table of values by string key that never holds more than maxKeys: when
// it is full, a new key pushes out the key least recently touched. For the
// throttles' per-address and per-username state, where a flood of made-up
// keys must cost bounded memory (at the price of pushing out a real key).
//
// Owns its keys and values. Not thread-safe: for the loop thread. Pointers
// and references to values stay valid until their key is erased or pushed out.
#pragma once

#include <cstddef>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace chatd::reactor {

template <typename Value>
class LruTable {
 public:
  explicit LruTable(size_t maxKeys) : maxKeys_(maxKeys) {}
  // index_ views strings inside order_'s nodes: a copy would view the original's.
  LruTable(const LruTable&) = delete;
  LruTable& operator=(const LruTable&) = delete;

  // The key's value, or null; does not count as a use.
  Value* find(std::string_view key) const {
    const auto found = index_.find(key);
    return found == index_.end() ? nullptr : &found->second->second;
  }

  // The key's value (a new one, value-initialized, if it had none), now the
  // most recently used. Null only when maxKeys is 0.
  Value* touch(std::string_view key) {
    if (const auto found = index_.find(key); found != index_.end()) {
      order_.splice(order_.begin(), order_, found->second);
      return &order_.front().second;
    }
    if (maxKeys_ == 0) return nullptr;
    if (index_.size() >= maxKeys_) dropOldest();
    order_.emplace_front(std::string(key), Value{});
    index_.emplace(order_.front().first, order_.begin());
    return &order_.front().second;
  }

  void erase(std::string_view key) {
    const auto found = index_.find(key);
    if (found == index_.end()) return;
    const auto node = found->second;
    index_.erase(found);  // before the node: the map's key views its string
    order_.erase(node);
  }

  // Drops the least recently used keys while `stale(value)` holds for them.
  template <typename Stale>
  void dropOldestWhile(Stale stale) {
    while (!order_.empty() && stale(order_.back().second)) dropOldest();
  }

  size_t size() const { return index_.size(); }

 private:
  using Order = std::list<std::pair<std::string, Value>>;

  void dropOldest() {
    index_.erase(order_.back().first);
    order_.pop_back();
  }

  size_t maxKeys_;
  Order order_;  // the most recently used first; list nodes never move
  std::unordered_map<std::string_view, typename Order::iterator> index_;
};

}  // namespace chatd::reactor
