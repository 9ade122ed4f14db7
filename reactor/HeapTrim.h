// Gives the heap's free pages back to the system after a burst. glibc's
// free() returns memory only from the top of the heap, so the transient
// allocations of a burst (thousands of handshakes at once) leave free pages
// behind the long-lived objects, counted in the process's RSS for good.
// malloc_trim() releases them; it walks the heap (well under a millisecond
// for tens of MiB), so it runs only when there is enough to give back.
#pragma once

#include <cstddef>

namespace chatd::reactor {

inline constexpr size_t kHeapTrimThresholdBytes = 4 * 1024 * 1024;

// Trims when the heap's free bytes exceed `threshold`; returns whether it did.
bool trimHeapIfWorthIt(size_t threshold = kHeapTrimThresholdBytes);

}  // namespace chatd::reactor
