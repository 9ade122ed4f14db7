#include "chat/MessageKinds.h"

#include <gtest/gtest.h>

namespace chatd::chat {
namespace {

const std::string kId = "0123456789abcdef0123456789abcdef";

// readMessageDraft() of `json`: the error, or "" with `draft` filled in.
std::string read(const std::string& json, MessageDraft& draft, bool contentEmpty = false) {
  std::string error;
  const auto fields = proto::JsonFields::parse(json, error);
  EXPECT_TRUE(fields) << error;
  if (!fields || readMessageDraft(*fields, contentEmpty, draft, error)) return "";
  return error.empty() ? "failed without a message" : error;
}

std::string errorOf(const std::string& json, bool contentEmpty = false) {
  MessageDraft draft;
  return read(json, draft, contentEmpty);
}

TEST(MessageKinds, TextIsTheDefaultAndNeedsContentButNoAttachments) {
  MessageDraft draft;
  EXPECT_EQ(read("{}", draft), "");
  EXPECT_EQ(draft.kind, "text");
  EXPECT_NE(errorOf("{}", true), "");
  EXPECT_NE(errorOf(R"({"kind":"text","attachments":[{"file_id":")" + kId + R"("}]})"), "");
}

TEST(MessageKinds, AnImageCarriesItsFilesWithWhatTheClientMeasured) {
  MessageDraft draft;
  ASSERT_EQ(read(R"({"kind":"image","attachments":[{"file_id":")" + kId +
                     R"(","name":"cat.png","width":640,"height":480}]})",
                 draft, true),
            "");
  EXPECT_EQ(draft.kind, "image");
  ASSERT_EQ(draft.attachments.size(), 1u);
  EXPECT_EQ(draft.attachments[0].fileId, kId);
  EXPECT_EQ(draft.attachments[0].name, "cat.png");
  EXPECT_EQ(draft.attachments[0].width, 640);
  EXPECT_EQ(draft.attachments[0].size, 0);  // the upload's, filled in later
}

TEST(MessageKinds, WhatAClientMayNotSendIsABadRequest) {
  const std::string file = R"({"file_id":")" + kId + R"("})";
  EXPECT_NE(errorOf(R"({"kind":"call"})"), "");  // the server's own
  EXPECT_NE(errorOf(R"({"kind":"sticker","attachments":[)" + file + "]}"), "");
  EXPECT_NE(errorOf(R"({"kind":7})"), "");
  EXPECT_NE(errorOf(R"({"kind":"image"})"), "");  // none
  EXPECT_NE(errorOf(R"({"kind":"image","attachments":[]})"), "");
  EXPECT_NE(errorOf(R"({"kind":"image","attachments":{}})"), "");
  EXPECT_NE(errorOf(R"({"kind":"image","attachments":["x"]})"), "");
  EXPECT_NE(errorOf(R"({"kind":"file","attachments":[{"file_id":"../../etc/passwd"}]})"), "");
  EXPECT_NE(errorOf(R"({"kind":"file","attachments":[{"file_id":")" + kId + R"(","name":""}]})"), "");
  EXPECT_NE(errorOf(R"({"kind":"image","attachments":[{"file_id":")" + kId + R"(","width":0}]})"), "");
  EXPECT_NE(errorOf(R"({"kind":"voice","attachments":[{"file_id":")" + kId + R"(","duration_ms":-1}]})"), "");
  std::string eleven = R"({"kind":"file","attachments":[)";
  for (int i = 0; i < 11; ++i) eleven += (i ? "," : "") + file;
  EXPECT_NE(errorOf(eleven + "]}"), "");
}

TEST(MessageKinds, EachKindTakesItsOwnTypes) {
  EXPECT_TRUE(fitsKind("image", "image/png"));
  EXPECT_FALSE(fitsKind("image", "application/pdf"));
  EXPECT_TRUE(fitsKind("voice", "audio/ogg"));
  EXPECT_TRUE(fitsKind("voice", "video/webm"));  // MediaRecorder's audio is a WebM
  EXPECT_FALSE(fitsKind("video", "image/gif"));
  EXPECT_TRUE(fitsKind("file", "application/octet-stream"));
  EXPECT_FALSE(fitsKind("text", "text/plain"));
}

}  // namespace
}  // namespace chatd::chat
