// chatd: parse the configuration, assemble the server, run the loop; with
// --workers, a supervisor forks that many processes that each do so.
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "app/Application.h"
#include "app/CommandLine.h"
#include "app/Migration.h"
#include "app/Supervisor.h"
#include "reactor/EventLoop.h"
#include "reactor/Log.h"
#include "reactor/TlsTicketKeys.h"

namespace {

// Connections are file descriptors: use all the process may have.
void raiseDescriptorLimit() {
  rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

// One server process: the whole of chatd without --workers, one worker with it.
int runServer(const chatd::app::Config& config, const chatd::app::Application::ConfigSource& reread) {
  using namespace chatd;
  reactor::EventLoop loop;
  app::Application application(loop, config, reread);
  int exitCode = 0;
  application.start([&](const std::string& error) {
    if (error.empty()) return;
    LOG_ERROR("%s", error.c_str());
    exitCode = 1;
    loop.stop();
  });
  if (exitCode != 0) return exitCode;  // startup failed before the loop ran
  loop.run();
  if (exitCode == 0) LOG_INFO("stopped");
  return exitCode;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace chatd;
  app::ParsedCommandLine parsed = app::parseCommandLine(argc, argv, environ);
  if (!parsed.config) {
    const bool toStdout = parsed.exitCode == 0 || parsed.commandLine.action == app::Action::kCheckConfig;
    std::fputs(parsed.output.c_str(), toStdout ? stdout : stderr);
    return parsed.exitCode;
  }
  reactor::configureLog({.level = parsed.config->logLevel, .format = parsed.config->logFormat});
  for (const std::string& warning : parsed.warnings) LOG_WARN("%s", warning.c_str());
  if (!parsed.config->migrateTo.empty()) return app::migrateToRedis(*parsed.config);
  signal(SIGPIPE, SIG_IGN);
  raiseDescriptorLimit();
  if (!parsed.config->tlsCertFile.empty()) parsed.config->tlsTicketSecret = reactor::TlsTicketKeys::newSecret();
  // SIGHUP reads the configuration again as it was read now.
  const app::Application::ConfigSource reread = [&parsed] { return app::loadConfig(parsed.commandLine, environ); };
  if (parsed.config->workers == 0) return runServer(*parsed.config, reread);

  // Every worker binds the same port (SO_REUSEPORT, which --workers implies) and reloads on its own.
  app::Supervisor supervisor(parsed.config->workers, [&] { return runServer(*parsed.config, reread); });
  return supervisor.run();
}
