#include "reactor/HeapTrim.h"

#include <malloc.h>

namespace chatd::reactor {

bool trimHeapIfWorthIt(size_t threshold) {
  const struct mallinfo2 info = mallinfo2();
  if (info.fordblks < threshold) return false;  // free bytes in the main arena
  malloc_trim(0);
  return true;
}

}  // namespace chatd::reactor
