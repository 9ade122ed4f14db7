// MetricsWriter: the Prometheus text format as promtool and scrapers parse
// it: HELP and TYPE per family, escaped label values, integral counts
// without a fraction, and histograms as cumulative buckets, _sum and _count.
#include "api/MetricsWriter.h"

#include <gtest/gtest.h>

namespace chatd::api {
namespace {

TEST(MetricsWriterTest, WritesAFamilyWithHelpTypeAndLabeledSamples) {
  MetricsWriter out;
  out.counter("a_total", "Things\\done\nso far.", 42);
  out.family("b", "gauge", "B.");
  out.sample("b", {{"route", "/x/{id}"}, {"note", "say \"hi\"\\\n"}}, 0.25);
  EXPECT_EQ(out.take(),
            "# HELP a_total Things\\\\done\\nso far.\n# TYPE a_total counter\na_total 42\n"
            "# HELP b B.\n# TYPE b gauge\nb{route=\"/x/{id}\",note=\"say \\\"hi\\\"\\\\\\n\"} 0.25\n");
}

TEST(MetricsWriterTest, WritesAHistogramAsCumulativeBuckets) {
  reactor::LatencyHistogram histogram;
  histogram.record(1);        // le 1e-06
  histogram.record(50);       // le 6.4e-05
  histogram.record(9'000'000);  // +Inf
  MetricsWriter out;
  out.histogram("h_seconds", {{"op", "x"}}, histogram);
  const std::string text = out.take();
  EXPECT_NE(text.find("h_seconds_bucket{op=\"x\",le=\"1e-06\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("h_seconds_bucket{op=\"x\",le=\"1.6e-05\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("h_seconds_bucket{op=\"x\",le=\"6.4e-05\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("h_seconds_bucket{op=\"x\",le=\"4.194304\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("h_seconds_bucket{op=\"x\",le=\"+Inf\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("h_seconds_sum{op=\"x\"} 9.000051\n"), std::string::npos) << text;
  EXPECT_NE(text.find("h_seconds_count{op=\"x\"} 3\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace chatd::api
