// The answers of SqliteStore's reads, held until the loop's end-of-iteration
// flush so that no completion runs inside the call (Store.h's rule). A read
// queries at call time (the state it answers is the one before this
// iteration's writes run) and parks its callback with the result here;
// GroupCommit answers them, in call order, before it commits the iteration's
// writes, so every answer reaches its caller before any write it did not see.
//
// Owns the parked callbacks and results. Parking moves them into a vector
// slot whose storage is reused from iteration to iteration: no allocation
// and no syscall per read.
#pragma once

#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "store/Store.h"

namespace chatd::store {

class ReadAnswers {
 public:
  template <typename T>
  void park(Callback<T> done, StoreStatus status, T value) {
    parked_.emplace_back(Ready<T>{std::move(done), status, std::move(value)});
  }
  bool empty() const { return parked_.empty(); }
  // Runs every parked callback in call order. Reads called from a callback
  // are parked for the next answerAll().
  void answerAll() {
    answering_.swap(parked_);
    for (Answer& answer : answering_) {
      std::visit([](auto& ready) { ready.done(ready.status, std::move(ready.value)); }, answer);
    }
    answering_.clear();
  }

 private:
  template <typename T>
  struct Ready {
    Callback<T> done;
    StoreStatus status;
    T value;
  };
  // Every result type a SqliteStore read answers.
  using Answer = std::variant<Ready<User>, Ready<Credentials>, Ready<Room>, Ready<std::vector<Room>>,
                              Ready<std::vector<RoomMember>>, Ready<DirectRoom>, Ready<Message>,
                              Ready<MessagePage>, Ready<std::vector<RevokedToken>>, Ready<std::vector<User>>,
                              Ready<std::string>, Ready<std::vector<Watermark>>, Ready<FileRecord>,
                              Ready<int64_t>, Ready<bool>>;

  std::vector<Answer> parked_;
  std::vector<Answer> answering_;  // answerAll()'s batch; kept for its capacity
};

}  // namespace chatd::store
