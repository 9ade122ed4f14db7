// permessage-deflate payloads, RFC 7692 §7.2: MessageDeflater and
// MessageInflater against the RFC's examples, each other, and hostile input.
#include <gtest/gtest.h>
#include <zlib.h>

#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "proto/MessageDeflater.h"
#include "proto/MessageInflater.h"

namespace chatd::proto {
namespace {

using Bytes = std::vector<uint8_t>;
using Status = MessageInflater::Status;

Bytes bytesOf(std::string_view text) { return Bytes(text.begin(), text.end()); }

Bytes deflated(MessageDeflater& deflater, const Bytes& plain) {
  Bytes out;
  deflater.deflate(plain, out);
  return out;
}

// Text that compresses like chat traffic: words from a small vocabulary.
Bytes wordsOf(size_t n, uint32_t seed = 7) {
  static const char* const kWords[] = {"hello ", "room ", "message ", "the ", "seq ", "{\"type\":", "é€ ", "42 "};
  std::mt19937 random(seed);
  Bytes out;
  while (out.size() < n) {
    const std::string_view word = kWords[random() % 8];
    out.insert(out.end(), word.begin(), word.end());
  }
  out.resize(n);
  return out;
}

Bytes randomBytes(size_t n, uint32_t seed = 11) {
  std::mt19937 random(seed);
  Bytes out(n);
  for (uint8_t& b : out) b = static_cast<uint8_t>(random());
  return out;
}

// --- The RFC's examples (§7.2.3) ---------------------------------------------------

TEST(MessageDeflater, HelloIsTheRfcExample) {
  MessageDeflater deflater;
  EXPECT_EQ(deflated(deflater, bytesOf("Hello")), (Bytes{0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}));  // §7.2.3.1
}

TEST(MessageDeflater, ContextTakeoverSharesTheWindowAsInTheRfc) {
  MessageDeflater deflater({.contextTakeover = true});
  EXPECT_EQ(deflated(deflater, bytesOf("Hello")), (Bytes{0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}));
  EXPECT_EQ(deflated(deflater, bytesOf("Hello")), (Bytes{0xf2, 0x00, 0x11, 0x00, 0x00}));  // §7.2.3.2
}

TEST(MessageDeflater, WithoutContextTakeoverEveryMessageStandsAlone) {
  MessageDeflater deflater;
  EXPECT_EQ(deflated(deflater, bytesOf("Hello")), deflated(deflater, bytesOf("Hello")));
}

TEST(MessageDeflater, EmptyMessageIsOneZeroByte) {
  MessageDeflater deflater;  // an empty stored block without its LEN/NLEN (§7.2.3.6)
  EXPECT_EQ(deflated(deflater, {}), Bytes{0x00});
}

TEST(MessageDeflater, AppendsToWhatTheBufferHolds) {
  MessageDeflater deflater;
  Bytes out = {0xAA};
  deflater.deflate(bytesOf("Hello"), out);
  EXPECT_EQ(out, (Bytes{0xAA, 0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}));
}

struct InflateExample {
  std::string name;
  Bytes payload;
};

class RfcInflateExample : public ::testing::TestWithParam<InflateExample> {};

TEST_P(RfcInflateExample, InflatesToHello) {
  MessageInflater inflater;
  Bytes out;
  ASSERT_EQ(inflater.inflate(GetParam().payload, 1000, out), Status::kOk);
  EXPECT_EQ(out, bytesOf("Hello"));
}

INSTANTIATE_TEST_SUITE_P(
    Rfc7692, RfcInflateExample,
    ::testing::Values(
        InflateExample{"Compressed_7_2_3_1", {0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}},
        InflateExample{"NoCompression_7_2_3_3", {0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00}},
        InflateExample{"BfinalSet_7_2_3_4", {0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00}},
        // Two DEFLATE blocks, one per fragment's worth (§7.2.3.5).
        InflateExample{"TwoBlocks_7_2_3_5", {0xf2, 0x48, 0x05, 0x00, 0x00, 0x00, 0xff, 0xff, 0xca, 0xc9, 0xc9, 0x07,
                                             0x00}},
        // A final block that ends the payload: no empty block after it.
        InflateExample{"BfinalAtTheVeryEnd", {0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}}),
    [](const auto& info) { return info.param.name; });

TEST(MessageInflater, ContextTakeoverExampleOfTheRfc) {
  MessageInflater inflater(true);
  Bytes out;
  ASSERT_EQ(inflater.inflate(Bytes{0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}, 100, out), Status::kOk);
  EXPECT_EQ(out, bytesOf("Hello"));
  ASSERT_EQ(inflater.inflate(Bytes{0xf2, 0x00, 0x11, 0x00, 0x00}, 100, out), Status::kOk);  // §7.2.3.2
  EXPECT_EQ(out, bytesOf("Hello"));
}

TEST(MessageInflater, WithoutContextTakeoverABackReferenceToTheLastMessageIsCorrupt) {
  MessageInflater inflater;
  Bytes out;
  ASSERT_EQ(inflater.inflate(Bytes{0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}, 100, out), Status::kOk);
  EXPECT_EQ(inflater.inflate(Bytes{0xf2, 0x00, 0x11, 0x00, 0x00}, 100, out), Status::kCorrupt);
  // ... and the next message decodes as if nothing had happened.
  ASSERT_EQ(inflater.inflate(Bytes{0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}, 100, out), Status::kOk);
  EXPECT_EQ(out, bytesOf("Hello"));
}

TEST(MessageInflater, ContextTakeoverCarriesTheWindowPastAFinalBlock) {
  MessageInflater inflater(true);
  Bytes out;
  ASSERT_EQ(inflater.inflate(Bytes{0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00}, 100, out), Status::kOk);
  ASSERT_EQ(inflater.inflate(Bytes{0xf2, 0x00, 0x11, 0x00, 0x00}, 100, out), Status::kOk);
  EXPECT_EQ(out, bytesOf("Hello"));
}

// --- Round trips ------------------------------------------------------------------

class RoundTrip : public ::testing::TestWithParam<size_t> {};

TEST_P(RoundTrip, TextAndRandomBytesComeBackWithoutContextTakeover) {
  MessageDeflater deflater;
  MessageInflater inflater;
  for (const Bytes& plain : {wordsOf(GetParam()), randomBytes(GetParam())}) {
    Bytes out;
    ASSERT_EQ(inflater.inflate(deflated(deflater, plain), plain.size(), out), Status::kOk);
    EXPECT_EQ(out, plain);
  }
}

TEST_P(RoundTrip, ThreeMessagesComeBackWithContextTakeover) {
  MessageDeflater deflater({.contextTakeover = true});
  MessageInflater inflater(true);
  for (uint32_t seed = 1; seed <= 3; ++seed) {
    const Bytes plain = wordsOf(GetParam(), seed);
    Bytes out;
    ASSERT_EQ(inflater.inflate(deflated(deflater, plain), plain.size(), out), Status::kOk);
    EXPECT_EQ(out, plain) << "message " << seed;
  }
}

INSTANTIATE_TEST_SUITE_P(Sizes, RoundTrip, ::testing::Values(0, 1, 125, 126, 65535, 65536, 1 << 20));

TEST(RoundTrip, EveryLevelAndWindowDecodesWithTheFifteenBitInflater) {
  const Bytes plain = wordsOf(100'000);
  MessageInflater inflater;
  for (int level : {0, 1, 6, 9}) {
    for (int window : {9, 12, 15}) {
      MessageDeflater deflater({.level = level, .windowBits = window});
      Bytes out;
      ASSERT_EQ(inflater.inflate(deflated(deflater, plain), plain.size(), out), Status::kOk) << level << "/" << window;
      EXPECT_EQ(out, plain) << level << "/" << window;
    }
  }
}

// A message of L bytes compressed with a 15-bit window refers back less than
// L bytes, so a client with a 2^N window decodes it when L <= 2^N: the rule
// chatd relies on for server_max_window_bits (WsDeflateOffer.h).
TEST(RoundTrip, AMessageNoLongerThanTheWindowDecodesInThatWindow) {
  MessageDeflater deflater;
  for (int bits = 8; bits <= 15; ++bits) {
    const Bytes plain = wordsOf(size_t{1} << bits, static_cast<uint32_t>(bits));
    Bytes compressed = deflated(deflater, plain);
    for (uint8_t b : {0x00, 0x00, 0xff, 0xff}) compressed.push_back(b);
    z_stream z{};
    ASSERT_EQ(inflateInit2(&z, -bits), Z_OK);
    Bytes out(plain.size() + 16);
    z.next_in = compressed.data();
    z.avail_in = static_cast<uInt>(compressed.size());
    z.next_out = out.data();
    z.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(inflate(&z, Z_SYNC_FLUSH), Z_OK) << bits << " bits";
    out.erase(out.end() - z.avail_out, out.end());
    inflateEnd(&z);
    EXPECT_EQ(out, plain) << bits << " bits";
  }
}

// --- Limits ------------------------------------------------------------------------

TEST(MessageInflater, AMessageAtTheLimitPassesOneByteOverDoesNot) {
  MessageDeflater deflater;
  MessageInflater inflater;
  const Bytes plain = wordsOf(5000);
  const Bytes compressed = deflated(deflater, plain);
  Bytes out;
  EXPECT_EQ(inflater.inflate(compressed, 5000, out), Status::kOk);
  EXPECT_EQ(out, plain);
  EXPECT_EQ(inflater.inflate(compressed, 4999, out), Status::kTooBig);
  EXPECT_EQ(out.size(), 5000u);  // the limit and the one byte that proved it too big
}

// Found by the fuzzer: a stream that ends (BFINAL) one byte past the limit.
TEST(MessageInflater, AFinalBlockPastTheLimitIsTooBig) {
  MessageInflater inflater;
  Bytes out;
  EXPECT_EQ(inflater.inflate(Bytes{0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}, 4, out), Status::kTooBig);
  EXPECT_EQ(out, bytesOf("Hello"));
  EXPECT_EQ(inflater.inflate(Bytes{0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}, 5, out), Status::kOk);
}

TEST(MessageInflater, ABombStopsAtTheLimit) {
  const Bytes zeros(10 * 1000 * 1000, 0);
  MessageDeflater deflater({.level = 9});
  const Bytes bomb = deflated(deflater, zeros);
  EXPECT_LT(bomb.size(), 20'000u);  // ~10 KB that would inflate to 10 MB

  constexpr size_t kLimit = 1 << 20;
  MessageInflater inflater;
  Bytes out;
  EXPECT_EQ(inflater.inflate(bomb, kLimit, out), Status::kTooBig);
  EXPECT_LE(out.size(), kLimit + 1);
  EXPECT_LE(out.capacity(), kLimit + 1);
}

TEST(MessageInflater, ASmallLimitBoundsTheFirstBufferToo) {
  const Bytes zeros(100'000, 0);
  MessageDeflater deflater;
  MessageInflater inflater;
  Bytes out;
  EXPECT_EQ(inflater.inflate(deflated(deflater, zeros), 100, out), Status::kTooBig);
  EXPECT_LE(out.capacity(), 101u);
}

TEST(MessageInflater, TooBigLeavesTheNextMessageIntact) {
  MessageDeflater deflater;
  MessageInflater inflater;
  Bytes out;
  EXPECT_EQ(inflater.inflate(deflated(deflater, Bytes(10'000, 'z')), 100, out), Status::kTooBig);
  ASSERT_EQ(inflater.inflate(deflated(deflater, bytesOf("Hello")), 100, out), Status::kOk);
  EXPECT_EQ(out, bytesOf("Hello"));
}

// Each final block ends a DEFLATE stream and the next starts afresh: half a
// million of them in one message must cost no more than any other megabyte.
TEST(MessageInflater, ManyFinalBlocksInOneMessageAreCheap) {
  Bytes payload;
  for (int i = 0; i < 500'000; ++i) payload.insert(payload.end(), {0x03, 0x00});  // an empty final block
  for (uint8_t b : {0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}) payload.push_back(b);  // "Hello", final
  MessageInflater inflater;
  Bytes out;
  const auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(inflater.inflate(payload, 100, out), Status::kOk);
  EXPECT_EQ(out, bytesOf("Hello"));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(1));
}

// --- Corrupt input -------------------------------------------------------------

TEST(MessageInflater, InvalidDeflateDataIsCorrupt) {
  MessageInflater inflater;
  Bytes out;
  // Block type 11 is reserved (RFC 1951 §3.2.3).
  EXPECT_EQ(inflater.inflate(Bytes{0xff, 0xff, 0xff}, 100, out), Status::kCorrupt);
  // A stored block whose NLEN is not the complement of LEN.
  EXPECT_EQ(inflater.inflate(Bytes{0x00, 0x05, 0x00, 0x00, 0x00, 'H', 'e', 'l', 'l', 'o'}, 100, out), Status::kCorrupt);
  // A distance back past the start of the message.
  EXPECT_EQ(inflater.inflate(Bytes{0xf2, 0x00, 0x11, 0x00, 0x00}, 100, out), Status::kCorrupt);
}

TEST(MessageInflater, RandomGarbageNeverPassesTheLimit) {
  MessageInflater inflater;
  Bytes out;
  for (uint32_t seed = 0; seed < 300; ++seed) {
    const Bytes garbage = randomBytes(1 + seed % 200, seed);
    const Status status = inflater.inflate(garbage, 64, out);
    EXPECT_LE(out.size(), 65u) << seed;
    if (status == Status::kOk) {
      EXPECT_LE(out.size(), 64u) << seed;
    }
  }
}

}  // namespace
}  // namespace chatd::proto
