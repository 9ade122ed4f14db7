#include "bench/SvgChart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>


namespace chatd::bench {

namespace {

constexpr double kWidth = 720, kHeight = 420;
constexpr double kLeft = 70, kRight = 150, kTop = 40, kBottom = 70;

std::string number(double value, int decimals = 1) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

// 950 -> "950", 12345 -> "12k", 3000000 -> "3.0M": labels that fit under a point.
std::string compact(double value) {
  if (value >= 1e6) return number(value / 1e6, 1) + "M";
  if (value >= 1e4) return number(value / 1e3, 0) + "k";
  return number(value, 0);
}

std::string escapeText(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else out += c;
  }
  return out;
}

}  // namespace

std::string latencyVsLoadSvg(const std::vector<RunResult>& sweep) {
  const double plotW = kWidth - kLeft - kRight, plotH = kHeight - kTop - kBottom;
  double maxRate = 1, minMs = 1e9, maxMs = 0;
  for (const RunResult& r : sweep) {
    maxRate = std::max(maxRate, r.offeredRate);
    for (double p : {50.0, 99.0, 99.9}) {
      const double ms = std::max(0.001, static_cast<double>(r.latency.percentile(p)) / 1000.0);
      minMs = std::min(minMs, ms);
      maxMs = std::max(maxMs, ms);
    }
  }
  // Log scale on whole decades around the data.
  const double lowDecade = std::floor(std::log10(std::max(0.001, minMs)));
  const double highDecade = std::max(lowDecade + 1, std::ceil(std::log10(std::max(maxMs, 0.001))));
  auto x = [&](double rate) { return kLeft + plotW * rate / maxRate; };
  auto y = [&](double ms) {
    const double v = (std::log10(std::max(ms, 0.001)) - lowDecade) / (highDecade - lowDecade);
    return kTop + plotH * (1 - v);
  };

  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + number(kWidth, 0) + "\" height=\"" +
                    number(kHeight, 0) + "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  const std::string title = sweep.empty() ? "" : sweep.front().scenario + " — " + sweep.front().url;
  svg += "<text x=\"" + number(kLeft, 0) + "\" y=\"22\" font-size=\"14\">" + escapeText(title) +
         ": latency against offered load</text>\n";
  // Axes, decade grid lines and labels.
  for (double d = lowDecade; d <= highDecade; ++d) {
    const double ms = std::pow(10, d);
    svg += "<line x1=\"" + number(kLeft) + "\" x2=\"" + number(kLeft + plotW) + "\" y1=\"" + number(y(ms)) + "\" y2=\"" +
           number(y(ms)) + "\" stroke=\"#ddd\"/>\n";
    svg += "<text x=\"" + number(kLeft - 6) + "\" y=\"" + number(y(ms) + 4) + "\" text-anchor=\"end\">" +
           number(ms, ms < 1 ? 3 : 0) + " ms</text>\n";
  }
  svg += "<line x1=\"" + number(kLeft) + "\" y1=\"" + number(kTop + plotH) + "\" x2=\"" + number(kLeft + plotW) +
         "\" y2=\"" + number(kTop + plotH) + "\" stroke=\"black\"/>\n";
  svg += "<line x1=\"" + number(kLeft) + "\" y1=\"" + number(kTop) + "\" x2=\"" + number(kLeft) + "\" y2=\"" +
         number(kTop + plotH) + "\" stroke=\"black\"/>\n";
  double lastLabelX = -1e9;
  for (const RunResult& r : sweep) {
    const double px = x(r.offeredRate);
    if (px - lastLabelX < 36) continue;  // too close to the previous label to read
    lastLabelX = px;
    svg += "<text x=\"" + number(px) + "\" y=\"" + number(kTop + plotH + 16) + "\" text-anchor=\"middle\">" +
           compact(r.offeredRate) + "</text>\n";
    svg += "<text x=\"" + number(px) + "\" y=\"" + number(kTop + plotH + 30) +
           "\" text-anchor=\"middle\" fill=\"#666\">" + compact(r.throughput()) + "</text>\n";
  }
  svg += "<text x=\"" + number(kLeft + plotW / 2) + "\" y=\"" + number(kHeight - 12) +
         "\" text-anchor=\"middle\">offered rate (msgs/s); grey: achieved deliveries/s</text>\n";

  struct Series {
    double percentile;
    const char* name;
    const char* color;
  };
  const Series series[] = {{50, "p50", "#1f77b4"}, {99, "p99", "#ff7f0e"}, {99.9, "p99.9", "#d62728"}};
  double legendY = kTop + 10;
  for (const Series& s : series) {
    std::string points;
    for (const RunResult& r : sweep) {
      const double ms = static_cast<double>(r.latency.percentile(s.percentile)) / 1000.0;
      points += number(x(r.offeredRate)) + "," + number(y(ms)) + " ";
      svg += "<circle cx=\"" + number(x(r.offeredRate)) + "\" cy=\"" + number(y(ms)) + "\" r=\"3\" fill=\"" +
             s.color + "\"/>\n";
    }
    svg += "<polyline fill=\"none\" stroke-width=\"2\" stroke=\"" + std::string(s.color) + "\" points=\"" + points +
           "\"/>\n";
    svg += "<line x1=\"" + number(kWidth - kRight + 15) + "\" x2=\"" + number(kWidth - kRight + 40) + "\" y1=\"" +
           number(legendY) + "\" y2=\"" + number(legendY) + "\" stroke-width=\"2\" stroke=\"" + s.color + "\"/>\n";
    svg += "<text x=\"" + number(kWidth - kRight + 46) + "\" y=\"" + number(legendY + 4) + "\">" + s.name + "</text>\n";
    legendY += 20;
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace chatd::bench
