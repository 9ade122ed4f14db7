// GET /metrics: what an operator graphs and alerts on, in the Prometheus text
// exposition format (version 0.0.4). Counters only ever grow; gauges are the
// state at the moment of the scrape.
#pragma once

#include <cstddef>
#include <string>

#include "chat/Hub.h"

namespace chatd::api {

std::string metricsText(size_t connections, const chat::Hub& hub);

}  // namespace chatd::api
