// MultipartParser: every body is also fed split in two at every offset and
// byte by byte, and must give the same parts.
#include "proto/MultipartParser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace chatd::proto {
namespace {

using Status = MultipartParser::Status;

// Every event, as one comparable string.
struct Recorder final : MultipartSink {
  void onPartBegin(const MultipartPart& part) override {
    log += "<" + part.name + "|" + part.filename.value_or("-") + "|" + part.contentType + ">";
  }
  void onPartData(std::string_view bytes) override { log.append(bytes); }
  void onPartEnd() override { log += "</>"; }
  std::string log;
};

struct Outcome {
  std::string log;
  Status status;
  bool operator==(const Outcome&) const = default;
};

Outcome parseInChunks(std::string_view body, const std::vector<size_t>& cuts) {
  MultipartParser parser("XyZ");
  Recorder sink;
  size_t start = 0;
  Status status = Status::kMore;
  for (size_t i = 0; i <= cuts.size(); ++i) {
    const size_t end = i < cuts.size() ? cuts[i] : body.size();
    status = parser.feed(body.substr(start, end - start), sink);
    start = end;
  }
  return {sink.log, status};
}

// Parses `body` whole, split at every offset and byte by byte: the same outcome each time.
Outcome parseEverySplit(std::string_view body) {
  const Outcome whole = parseInChunks(body, {});
  for (size_t cut = 0; cut <= body.size(); ++cut) {
    EXPECT_EQ(parseInChunks(body, {cut}), whole) << "split at " << cut;
  }
  std::vector<size_t> bytes;
  for (size_t i = 1; i < body.size(); ++i) bytes.push_back(i);
  EXPECT_EQ(parseInChunks(body, bytes), whole) << "byte by byte";
  return whole;
}

TEST(MultipartParserTest, FindsTheBoundaryOfFormDataOnly) {
  EXPECT_EQ(MultipartParser::boundaryOf("multipart/form-data; boundary=abc"), "abc");
  EXPECT_EQ(MultipartParser::boundaryOf("Multipart/Form-Data; charset=x; boundary=\"a b:c\""), "a b:c");
  EXPECT_EQ(MultipartParser::boundaryOf("multipart/mixed; boundary=abc"), std::nullopt);
  EXPECT_EQ(MultipartParser::boundaryOf("multipart/form-data"), std::nullopt);
  EXPECT_EQ(MultipartParser::boundaryOf("multipart/form-data; boundary="), std::nullopt);
  EXPECT_EQ(MultipartParser::boundaryOf("multipart/form-data; boundary=\"ends \""), std::nullopt);
  EXPECT_EQ(MultipartParser::boundaryOf("multipart/form-data; boundary=" + std::string(71, 'a')), std::nullopt);
  EXPECT_EQ(MultipartParser::boundaryOf("multipart/form-data; boundary=a\rb"), std::nullopt);
}

TEST(MultipartParserTest, SplitsPartsWhateverTheChunks) {
  const std::string body =
      "preamble\r\n--XyZ\r\n"
      "Content-Disposition: form-data; name=\"note\"\r\n\r\n"
      "hello\r\n--XyZ  \r\n"
      "Content-Disposition: form-data; name=\"file\"; filename=\"a \\\"b\\\".png\"\r\n"
      "Content-Type: image/png\r\n\r\n"
      "\r\n--XyNot a delimiter\r\r\n-\r\n--XyZ--\r\nepilogue";
  const Outcome out = parseEverySplit(body);
  EXPECT_EQ(out.status, Status::kDone);
  EXPECT_EQ(out.log,
            "<note|-|>hello</>"
            "<file|a \"b\".png|image/png>\r\n--XyNot a delimiter\r\r\n-</>");
}

TEST(MultipartParserTest, ABodyMayOpenWithTheDelimiterAndAPartMayBeEmpty) {
  const Outcome out = parseEverySplit("--XyZ\r\nContent-Disposition: form-data; name=f\r\n\r\n\r\n--XyZ--");
  EXPECT_EQ(out.status, Status::kDone);
  EXPECT_EQ(out.log, "<f|-|></>");
}

TEST(MultipartParserTest, PrefersTheUtf8FileName) {
  const Outcome out = parseEverySplit(
      "--XyZ\r\nContent-Disposition: form-data; name=f; filename=\"na?ve.txt\"; "
      "filename*=UTF-8''na%C3%AFve+1.txt\r\n\r\nx\r\n--XyZ--");
  EXPECT_EQ(out.log, "<f|na\xc3\xafve+1.txt|>x</>");
}

TEST(MultipartParserTest, AnUnfinishedBodyIsNotDone) {
  EXPECT_EQ(parseEverySplit("--XyZ\r\nContent-Disposition: form-data; name=f\r\n\r\nabc\r\n--Xy").status, Status::kMore);
  EXPECT_EQ(parseEverySplit("no delimiter at all").status, Status::kMore);
}

TEST(MultipartParserTest, RefusesMalformedFraming) {
  for (const char* body : {
           "--XyZ\r\nContent-Type: text/plain\r\n\r\nno disposition\r\n--XyZ--",
           "--XyZ\r\nContent-Disposition: attachment; filename=a\r\n\r\nx\r\n--XyZ--",
           "--XyZ\r\nno colon here\r\n\r\nx\r\n--XyZ--",
           "--XyZ\r\nContent-Disposition: form-data; name=\"unclosed\r\n\r\nx\r\n--XyZ--",
           "--XyZjunk\r\n",
           "--XyZ\rx",
           "--XyZ-x",
       }) {
    EXPECT_EQ(parseEverySplit(body).status, Status::kError) << body;
  }
}

TEST(MultipartParserTest, BoundsThePartHeaders) {
  MultipartParser parser("XyZ", 64);
  Recorder sink;
  const std::string body = "--XyZ\r\nContent-Disposition: form-data; name=\"" + std::string(100, 'n') + "\"\r\n\r\n";
  EXPECT_EQ(parser.feed(body, sink), Status::kError);
  EXPECT_STREQ(parser.error(), "part header block too large");
  EXPECT_EQ(parser.feed("more", sink), Status::kError);
}

}  // namespace
}  // namespace chatd::proto
