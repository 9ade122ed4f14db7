// What an orchestrator and a monitor ask of a running chatd:
//   GET /healthz -> 200 {"status":"ok"} while the process serves at all
//   GET /readyz  -> 200 when the store (and the bus) can serve requests, else
//                   503 not_ready with the reason
//   GET /metrics -> the Prometheus text (api/Metrics.h)
#pragma once

#include <functional>
#include <string>

#include "server/Router.h"

namespace chatd::api {

struct Probes {
  // Why requests cannot be served now; empty when they can. Unset: always ready (no store to wait for).
  std::function<std::string()> notReady;
  std::function<std::string()> metrics;  // unset: no /metrics
};

void addProbeRoutes(server::Router& router, Probes probes);

}  // namespace chatd::api
