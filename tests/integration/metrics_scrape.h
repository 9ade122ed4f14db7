// Reading chatd's /metrics in the tests: one scrape's samples by series,
// the series name of an HTTP request count, and promtool's verdict.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <sstream>
#include <string>

#include <fstream>

#include "tests/support/DataDir.h"
#include "tests/support/HttpCall.h"
#include "tests/support/Subprocess.h"

namespace chatd::testing {

// One scrape: each sample line's series ("name{labels}") and value.
struct Scrape {
  std::string body;
  std::map<std::string, double> samples;

  // 0 when the series is missing: a counter not yet grown reads the same.
  double operator[](const std::string& series) const {
    const auto it = samples.find(series);
    return it == samples.end() ? 0 : it->second;
  }
  bool has(const std::string& series) const { return samples.count(series) != 0; }
};

inline Scrape scrape(int port) {
  const HttpReply reply = httpCall(port, "GET", "/metrics");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.header("Content-Type").value_or(""), "text/plain; version=0.0.4; charset=utf-8");
  Scrape result{reply.body, {}};
  std::istringstream lines(reply.body);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.rfind(' ');
    result.samples[line.substr(0, space)] = std::strtod(line.c_str() + space + 1, nullptr);
  }
  return result;
}

inline std::string http(const std::string& method, const std::string& route, int status) {
  return "chatd_http_requests_total{method=\"" + method + "\",route=\"" + route + "\",status=\"" +
         std::to_string(status) + "\"}";
}

inline bool havePromtool() { return runProcess({"promtool", "--version"}, 10'000).exitedZero(); }
inline constexpr const char* kNoPromtool = "promtool not installed (Debian package prometheus; scripts/deps.sh installs it)";

// `promtool check metrics` on `body`: exit 0 when it accepts it.
inline ProcessResult promtoolCheck(const std::string& body) {
  const DataDir dir;
  const std::string path = dir.path() + "/metrics.txt";
  std::ofstream(path) << body;
  return runProcess({"sh", "-c", "promtool check metrics < " + path}, 20'000);
}

}  // namespace chatd::testing
