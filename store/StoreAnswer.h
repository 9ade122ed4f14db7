// How every store call answers (Store.h states the completion rule): a
// status and, when kOk, the result.
#pragma once

#include <functional>

namespace chatd::store {

enum class StoreStatus {
  kOk,
  kNotFound,
  kConflict,  // a unique key is taken (a username)
  kOverQuota, // a limit the caller passed is reached; nothing changed
  kFailed,    // the backend failed; say so, retry later
};

// Every store answer: a status and, when kOk, the result (a default value
// otherwise, unless a method says more). Runs later in the loop, never
// inside the call (see the completion rule in Store.h).
template <typename T>
using Callback = std::function<void(StoreStatus, T)>;

}  // namespace chatd::store
