#include "store/MessageDetails.h"

#include <gtest/gtest.h>

namespace chatd::store {
namespace {

TEST(MessageDetails, ATextMessageHasNone) {
  EXPECT_EQ(encodeMessageDetails({}, {}), "");
  Message m;
  EXPECT_TRUE(decodeMessageDetails("", m));
  EXPECT_TRUE(m.attachments.empty());
}

TEST(MessageDetails, AttachmentsAndACallRoundTrip) {
  std::vector<Attachment> attachments{
      {.fileId = "f1", .name = "a b.png", .contentType = "image/png", .size = 1 << 30, .width = 4000, .height = 3},
      {.fileId = "f2", .name = std::string("\0x", 2), .contentType = "audio/ogg", .size = 1, .durationMs = 86400000}};
  const CallLog call{.callId = "c", .outcome = "missed", .durationMs = 0, .video = true};
  Message m;
  ASSERT_TRUE(decodeMessageDetails(encodeMessageDetails(attachments, call), m));
  ASSERT_EQ(m.attachments.size(), 2u);
  EXPECT_EQ(m.attachments[0].size, 1 << 30);
  EXPECT_EQ(m.attachments[0].width, 4000);
  EXPECT_EQ(m.attachments[1].name, std::string("\0x", 2));
  EXPECT_EQ(m.attachments[1].durationMs, 86400000);
  EXPECT_EQ(m.call.outcome, "missed");
  EXPECT_TRUE(m.call.video);
}

TEST(MessageDetails, BytesItDidNotMakeAreRefusedAndFillNothingIn) {
  const std::string good = encodeMessageDetails({{.fileId = "f1", .name = "n", .contentType = "t", .size = 5}}, {});
  for (size_t cut = 1; cut < good.size(); ++cut) {
    Message m;
    EXPECT_FALSE(decodeMessageDetails(good.substr(0, cut), m)) << cut;
    EXPECT_TRUE(m.attachments.empty());
  }
  Message m;
  EXPECT_FALSE(decodeMessageDetails(good + "x", m));
  EXPECT_FALSE(decodeMessageDetails("\x02", m));               // another version
  EXPECT_FALSE(decodeMessageDetails("\x01\xff\xff\xff\x7f", m));  // a count beyond the bytes
}

}  // namespace
}  // namespace chatd::store
