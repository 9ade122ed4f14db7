#include "api/Probes.h"

namespace chatd::api {

void addProbeRoutes(server::Router& router, Probes probes) {
  router.add("GET", "/healthz", [](const proto::HttpRequest&, const server::PathParams&,
                                   const server::HttpResponder& responder) {
    responder.respond(proto::jsonResponse(200, "{\"status\":\"ok\"}"));
  });
  router.add("GET", "/readyz", [notReady = std::move(probes.notReady)](const proto::HttpRequest&,
                                                                       const server::PathParams&,
                                                                       const server::HttpResponder& responder) {
    const std::string reason = notReady ? notReady() : std::string();
    responder.respond(reason.empty() ? proto::jsonResponse(200, "{\"status\":\"ready\",\"store\":\"ok\"}")
                                     : proto::jsonError(503, "not_ready", reason));
  });
  if (!probes.metrics) return;
  router.add("GET", "/metrics", [metrics = std::move(probes.metrics)](const proto::HttpRequest&,
                                                                      const server::PathParams&,
                                                                      const server::HttpResponder& responder) {
    proto::HttpResponse response;
    response.body = metrics();
    responder.respond(std::move(response.header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")));
  });
}

}  // namespace chatd::api
