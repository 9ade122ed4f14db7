// What an orchestrator and a monitor ask of a running chatd:
//   GET /healthz -> 200 {"status":"ok"} while the process serves at all
//   GET /readyz  -> 200 when the store can serve requests, else 503 not_ready
//   GET /metrics -> the Prometheus text (api/Metrics.h)
#pragma once

#include <functional>
#include <string>

#include "server/Router.h"

namespace chatd::api {

struct Probes {
  std::function<bool()> ready;           // unset: always ready (no store to wait for)
  std::function<std::string()> metrics;  // unset: no /metrics
};

void addProbeRoutes(server::Router& router, Probes probes);

}  // namespace chatd::api
