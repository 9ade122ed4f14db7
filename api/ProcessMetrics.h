// The process_* series every Prometheus client library exports, read from
// /proc/self at the scrape (a few small reads of kernel memory, no disk):
// CPU seconds, resident memory, open and maximum file descriptors, start
// time. Linux only, as chatd is.
#pragma once

#include "api/MetricsWriter.h"

namespace chatd::api {

void writeProcessMetrics(MetricsWriter& out);

}  // namespace chatd::api
