#include "api/MetricsWriter.h"

#include <cmath>
#include <cstdio>

namespace chatd::api {

void MetricsWriter::counter(std::string_view name, std::string_view help, uint64_t value) {
  family(name, "counter", help);
  sample(name, {}, static_cast<double>(value));
}

void MetricsWriter::gauge(std::string_view name, std::string_view help, double value) {
  family(name, "gauge", help);
  sample(name, {}, value);
}

void MetricsWriter::family(std::string_view name, std::string_view type, std::string_view help) {
  out_.append("# HELP ").append(name).append(" ");
  // HELP escapes only backslash and newline.
  for (const char c : help) {
    if (c == '\\') {
      out_ += "\\\\";
    } else if (c == '\n') {
      out_ += "\\n";
    } else {
      out_ += c;
    }
  }
  out_.append("\n# TYPE ").append(name).append(" ").append(type).append("\n");
}

void MetricsWriter::sample(std::string_view name, Labels labels, double value) {
  out_.append(name);
  writeLabels(labels);
  out_ += ' ';
  writeValue(value);
  out_ += '\n';
}

void MetricsWriter::split(std::string_view name, std::string_view type, std::string_view help, std::string_view label,
                          std::initializer_list<std::pair<std::string_view, uint64_t>> values) {
  family(name, type, help);
  for (const auto& [value, count] : values) sample(name, {{label, value}}, static_cast<double>(count));
}

void MetricsWriter::histogram(std::string_view name, Labels labels, const reactor::LatencyHistogram& histogram) {
  const std::string bucket = std::string(name) + "_bucket";
  uint64_t cumulative = 0;
  char bound[32];
  for (size_t i = 0; i <= reactor::LatencyHistogram::kFiniteBuckets; ++i) {
    cumulative += histogram.countIn(i);
    if (i < reactor::LatencyHistogram::kFiniteBuckets) {
      std::snprintf(bound, sizeof bound, "%.9g",
                    static_cast<double>(reactor::LatencyHistogram::upperBoundMicros(i)) / 1e6);
    } else {
      std::snprintf(bound, sizeof bound, "+Inf");
    }
    out_.append(bucket);
    writeLabels(labels, "le", bound);
    out_.append(" ").append(std::to_string(cumulative)).append("\n");
  }
  sample(std::string(name) + "_sum", labels, static_cast<double>(histogram.sumMicros()) / 1e6);
  sample(std::string(name) + "_count", labels, static_cast<double>(cumulative));
}

void MetricsWriter::writeLabels(Labels labels, std::string_view extraName, std::string_view extraValue) {
  if (labels.size() == 0 && extraName.empty()) return;
  out_ += '{';
  bool first = true;
  auto one = [&](std::string_view name, std::string_view value) {
    if (!first) out_ += ',';
    first = false;
    out_.append(name).append("=\"");
    for (const char c : value) {
      if (c == '\\' || c == '"') {
        out_ += '\\';
        out_ += c;
      } else if (c == '\n') {
        out_ += "\\n";
      } else {
        out_ += c;
      }
    }
    out_ += '"';
  };
  for (const auto& [name, value] : labels) one(name, value);
  if (!extraName.empty()) one(extraName, extraValue);
  out_ += '}';
}

void MetricsWriter::writeValue(double value) {
  // Counts up to 2^53 print as integers; other values with full precision.
  char text[40];
  if (value == std::floor(value) && std::fabs(value) < 9.007199254740992e15) {
    std::snprintf(text, sizeof text, "%.0f", value);
  } else {
    std::snprintf(text, sizeof text, "%.15g", value);
  }
  out_ += text;
}

}  // namespace chatd::api
