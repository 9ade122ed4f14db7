// Writes the Prometheus text exposition format (version 0.0.4): each family
// once with its HELP and TYPE, then its samples; label values escaped;
// histograms as cumulative _bucket lines (le in seconds), _sum and _count.
// Owns the text it builds; knows no metric by name.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "reactor/LatencyHistogram.h"

namespace chatd::api {

class MetricsWriter {
 public:
  using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

  // A family of one unlabeled sample.
  void counter(std::string_view name, std::string_view help, uint64_t value);
  void gauge(std::string_view name, std::string_view help, double value);

  // A family's HELP and TYPE ("counter", "gauge", "histogram"); its samples follow.
  void family(std::string_view name, std::string_view type, std::string_view help);
  void sample(std::string_view name, Labels labels, double value);
  // A family of counts split by one label: HELP, TYPE, then a sample per value.
  void split(std::string_view name, std::string_view type, std::string_view help, std::string_view label,
             std::initializer_list<std::pair<std::string_view, uint64_t>> values);
  // One histogram's lines (the family declared first, type "histogram").
  void histogram(std::string_view name, Labels labels, const reactor::LatencyHistogram& histogram);

  std::string take() { return std::move(out_); }

 private:
  void writeLabels(Labels labels, std::string_view extraName = {}, std::string_view extraValue = {});
  void writeValue(double value);

  std::string out_;
};

}  // namespace chatd::api
