// The webhook signature: HMAC-SHA256 as lowercase hex (RFC 4231's test
// vectors), and the X-Chatd-Signature value built from it.
#include <gtest/gtest.h>

#include <string>

#include "proto/HmacSha256.h"
#include "server/WebhookSender.h"

namespace chatd {
namespace {

TEST(HmacSha256, MatchesRfc4231) {
  // Test case 1: a 20-byte key of 0x0b.
  EXPECT_EQ(proto::hmacSha256Hex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  // Test case 2.
  EXPECT_EQ(proto::hmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 6: a key longer than the block, hashed first.
  EXPECT_EQ(proto::hmacSha256Hex(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(WebhookSignature, SignsTheTimeAndTheBody) {
  const std::string body = R"({"id":"evt_1","type":"member.left","created_at":1,"data":{}})";
  const std::string signature = server::webhookSignature("s3cret", 1764865200, body);
  EXPECT_EQ(signature, "t=1764865200,v1=" + proto::hmacSha256Hex("s3cret", "1764865200." + body));
  // Another time, body or secret: another signature.
  EXPECT_NE(signature, server::webhookSignature("s3cret", 1764865201, body));
  EXPECT_NE(signature, server::webhookSignature("s3cret", 1764865200, body + " "));
  EXPECT_NE(signature, server::webhookSignature("s3cre7", 1764865200, body));
}

}  // namespace
}  // namespace chatd
