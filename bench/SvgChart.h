// Draws latency against offered load for a --rates sweep as a standalone SVG:
// p50, p99 and p99.9 (milliseconds, log scale) over the offered rate, with
// each point's achieved throughput written under the axis.
#pragma once

#include <string>
#include <vector>

#include "bench/RunResult.h"

namespace chatd::bench {

std::string latencyVsLoadSvg(const std::vector<RunResult>& sweep);

}  // namespace chatd::bench
