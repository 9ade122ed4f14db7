// chat-bench: load-tests a WebSocket server on this machine and reports
// throughput, latency percentiles and failures (a table and one JSON line).
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <vector>

#include "bench/ChatPlan.h"
#include "bench/Options.h"
#include "bench/SvgChart.h"
#include "bench/Workers.h"
#include "reactor/TlsContext.h"

int main(int argc, char** argv) {
  using namespace chatd::bench;
  ParsedOptions parsed = parseOptions(argc, argv);
  if (!parsed.options) {
    std::fputs(parsed.output.c_str(), parsed.exitCode == 0 ? stdout : stderr);
    return parsed.exitCode;
  }
  Options& options = *parsed.options;
  signal(SIGPIPE, SIG_IGN);

  const size_t descriptors = raiseDescriptorLimit();
  const size_t workers = options.workers ? options.workers : workersFor(options.connections, descriptors);
  if (workers > 64) {
    std::fprintf(stderr,
                 "chat-bench: %zu connections need %zu processes at %zu descriptors each; raise the limit "
                 "(ulimit -n, LimitNOFILE) or lower --connections\n",
                 options.connections, workers, descriptors);
    return 2;
  }

  if (options.secure) {
    // One client context for this process; the workers fork with a copy each.
    std::string error;
    options.tls = chatd::reactor::TlsContext::forClient({.caFile = options.caFile}, error);
    if (!options.tls) {
      std::fprintf(stderr, "chat-bench: %s\n", error.c_str());
      return 2;
    }
  }

  if (options.isChat()) {
    // Users, tokens and rooms, once, before the workers fork (they inherit the plan).
    auto plan = std::make_shared<ChatPlan>();
    std::string error;
    if (!prepareChat(options, *plan, error)) {
      std::fprintf(stderr, "chat-bench: preparing the chat run: %s\n", error.c_str());
      return 1;
    }
    options.chat = std::move(plan);
  }

  std::vector<double> rates = options.rates;
  if (rates.empty()) rates.push_back(options.rate);
  std::vector<RunResult> sweep;
  int exitCode = 0;
  for (double rate : rates) {
    RunResult result;
    std::string error;
    if (!runWorkers(options, rate, workers, result, error)) {
      std::fprintf(stderr, "chat-bench: %s\n", error.c_str());
      exitCode = 1;
    }
    if (!options.jsonOnly) std::fputs(result.toTable().c_str(), stdout);
    std::printf("%s\n", result.toJson().c_str());
    std::fflush(stdout);
    if (result.failures[static_cast<size_t>(Failure::kNoSourcePort)] > 0) {
      std::fprintf(stderr,
                   "chat-bench: ran out of source ports: widen net.ipv4.ip_local_port_range or use more "
                   "--source-addresses\n");
    }
    if (result.failures[static_cast<size_t>(Failure::kNoDescriptors)] > 0) {
      std::fprintf(stderr, "chat-bench: ran out of file descriptors: raise ulimit -n or use more --workers\n");
    }
    sweep.push_back(std::move(result));
  }
  if (!options.svgPath.empty()) {
    std::ofstream(options.svgPath) << latencyVsLoadSvg(sweep);
    if (!options.jsonOnly) std::printf("wrote %s\n", options.svgPath.c_str());
  }
  return exitCode;
}
