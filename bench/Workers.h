// Runs one scenario over forked generator processes when one process's
// descriptor limit cannot hold every connection: each worker takes a
// contiguous slice of the connections and its share of the rate, and sends
// its RunResult to the parent over a pipe, where they are merged. Before
// that, each writes one byte once its connections settled, and the parent
// releases them all together once every worker did (LoadRun).
#pragma once

#include "bench/Options.h"
#include "bench/RunResult.h"

namespace chatd::bench {

// Raises this process's descriptor limit to the hard limit; returns the new soft limit.
size_t raiseDescriptorLimit();

// Workers needed for `connections` with `descriptors` per process.
size_t workersFor(size_t connections, size_t descriptors);

// Runs `options` at `rate` across `workers` processes and merges their results.
// `error` says why it failed (a worker that crashed, say) when it returns false.
bool runWorkers(const Options& options, double rate, size_t workers, RunResult& merged, std::string& error);

}  // namespace chatd::bench
