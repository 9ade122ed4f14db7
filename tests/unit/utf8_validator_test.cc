#include "proto/Utf8Validator.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace chatd::proto {
namespace {

const uint8_t* bytes(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

std::string hex(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (!out.empty()) out += ' ';
    out += kHex[c >> 4];
    out += kHex[c & 0xF];
  }
  return out;
}

const std::vector<std::string> kValid = {
    "",
    "plain ASCII",
    std::string("\0", 1),   // U+0000
    "\x7F",                 // U+007F, last one-byte
    "\xC2\x80",             // U+0080, first two-byte
    "\xC3\xA9",             // é
    "\xDF\xBF",             // U+07FF, last two-byte
    "\xE0\xA0\x80",         // U+0800, first three-byte
    "\xE2\x82\xAC",         // €
    "\xED\x9F\xBF",         // U+D7FF, just below the surrogates
    "\xEE\x80\x80",         // U+E000, just above them
    "\xEF\xBF\xBD",         // U+FFFD
    "\xEF\xBF\xBF",         // U+FFFF, last three-byte
    "\xF0\x90\x80\x80",     // U+10000, first four-byte
    "\xF0\x9D\x84\x9E",     // 𝄞
    "\xF3\xBF\xBF\xBF",     // U+FFFFF
    "\xF4\x80\x80\x80",     // U+100000
    "\xF4\x8F\xBF\xBF",     // U+10FFFF, the last code point
    "mixed \xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80 text \xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5",
};

struct Invalid {
  std::string input;
  size_t failsAt;  // index of the first byte that makes the input impossible
};

const std::vector<Invalid> kInvalid = {
    // Overlong forms.
    {"\xC0\x80", 0},
    {"\xC0\xAF", 0},
    {"\xC1\xBF", 0},
    {"\xE0\x80\x80", 1},
    {"\xE0\x80\xAF", 1},
    {"\xE0\x9F\xBF", 1},
    {"\xF0\x80\x80\x80", 1},
    {"\xF0\x80\x80\xAF", 1},
    {"\xF0\x8F\xBF\xBF", 1},
    // UTF-16 surrogates.
    {"\xED\xA0\x80", 1},
    {"\xED\xAD\xBF", 1},
    {"\xED\xAE\x80", 1},
    {"\xED\xAF\xBF", 1},
    {"\xED\xB0\x80", 1},
    {"\xED\xBE\x80", 1},
    {"\xED\xBF\xBF", 1},
    {"\xED\xA0\x80\xED\xB0\x80", 1},  // a surrogate pair (CESU-8)
    // Above U+10FFFF.
    {"\xF4\x90\x80\x80", 1},
    {"\xF4\xBF\xBF\xBF", 1},
    {"\xF5\x80\x80\x80", 0},
    {"\xF7\xBF\xBF\xBF", 0},
    {"\xF8\x88\x80\x80\x80", 0},
    {"\xFC\x84\x80\x80\x80\x80", 0},
    {"\xFE", 0},
    {"\xFF", 0},
    // Stray continuation bytes.
    {"\x80", 0},
    {"\xBF", 0},
    {"a\x80" "b", 1},
    {"\xC3\xA9\xA9", 2},
    {"\xE2\x82\xAC\x80", 3},
    // A sequence cut short by another character.
    {"\xC2" "A", 1},
    {"\xE2\x82" "A", 2},
    {"\xE2" "A", 1},
    {"\xF0\x9D\x84" "A", 3},
    {"\xC3\xC3\xA9", 1},
    {"\xF0\x9D\xE2\x82\xAC", 2},
    // Good text first, so the failure is found after the ASCII fast path.
    {"0123456789abcdef\xFF", 16},
    {"0123456789abcdef\xC3\xA9\xED\xA0\x80", 19},
};

// Ends inside a sequence: not invalid yet, but not complete either.
const std::vector<std::string> kTruncated = {
    "\xC2", "\xDF", "\xE0", "\xE0\xA0", "\xE2\x82", "\xED\x9F", "\xEF\xBF", "\xF0", "\xF0\x90",
    "\xF0\x90\x80", "\xF1\x80\x80", "\xF4\x8F\xBF", "abc\xC3", "\xC3\xA9\xE2\x82",
};

// Feeds `s` whole and checks every answer the validator gives.
void expectWholeInput(std::string_view s, bool stillPossible, bool complete) {
  SCOPED_TRACE(hex(s));
  Utf8Validator v;
  EXPECT_EQ(v.feed(bytes(s), s.size()), stillPossible);
  EXPECT_EQ(v.failed(), !stillPossible);
  EXPECT_EQ(v.complete(), complete);
  EXPECT_EQ(Utf8Validator::isValid(bytes(s), s.size()), complete);
}

TEST(Utf8Validator, ValidSequences) {
  for (const std::string& s : kValid) expectWholeInput(s, true, true);
}

// Fails as soon as the offending byte arrives, and stays failed.
TEST(Utf8Validator, InvalidSequencesFailAtTheOffendingByte) {
  for (const Invalid& c : kInvalid) {
    expectWholeInput(c.input, false, false);
    SCOPED_TRACE(hex(c.input));
    Utf8Validator v;
    for (size_t i = 0; i < c.input.size(); ++i) {
      const bool ok = v.feed(bytes(c.input) + i, 1);
      EXPECT_EQ(ok, i < c.failsAt) << "byte " << i;
      EXPECT_EQ(v.failed(), i >= c.failsAt) << "byte " << i;
    }
    EXPECT_FALSE(v.feed(bytes("a"), 1)) << "failure is sticky";
    v.reset();
    EXPECT_TRUE(v.feed(bytes("a"), 1));
    EXPECT_TRUE(v.complete());
  }
}

TEST(Utf8Validator, TruncatedSequencesAreIncompleteNotFailed) {
  for (const std::string& s : kTruncated) {
    expectWholeInput(s, true, false);
    Utf8Validator v;
    v.feed(bytes(s), s.size());
    v.reset();
    EXPECT_TRUE(v.complete()) << "reset() forgets the open sequence of " << hex(s);
  }
}

TEST(Utf8Validator, EveryLeadByteOnItsOwn) {
  for (int b = 0; b < 256; ++b) {
    const uint8_t byte = static_cast<uint8_t>(b);
    Utf8Validator v;
    const bool ok = v.feed(&byte, 1);
    SCOPED_TRACE(b);
    EXPECT_EQ(ok, b < 0x80 || (b >= 0xC2 && b <= 0xF4));
    EXPECT_EQ(v.complete(), b < 0x80);
  }
}

// Unicode's table of well-formed byte sequences (Table 3-7), row by row: the
// range of lead bytes, then the range each following byte must fall in.
struct WellFormedRow {
  uint8_t leadLo, leadHi;
  std::vector<std::pair<uint8_t, uint8_t>> tails;
};

const WellFormedRow kWellFormed[] = {
    {0x00, 0x7F, {}},
    {0xC2, 0xDF, {{0x80, 0xBF}}},
    {0xE0, 0xE0, {{0xA0, 0xBF}, {0x80, 0xBF}}},
    {0xE1, 0xEC, {{0x80, 0xBF}, {0x80, 0xBF}}},
    {0xED, 0xED, {{0x80, 0x9F}, {0x80, 0xBF}}},
    {0xEE, 0xEF, {{0x80, 0xBF}, {0x80, 0xBF}}},
    {0xF0, 0xF0, {{0x90, 0xBF}, {0x80, 0xBF}, {0x80, 0xBF}}},
    {0xF1, 0xF3, {{0x80, 0xBF}, {0x80, 0xBF}, {0x80, 0xBF}}},
    {0xF4, 0xF4, {{0x80, 0x8F}, {0x80, 0xBF}, {0x80, 0xBF}}},
};

// Every byte value at every position of every row, the other positions
// filled with the lowest or the highest byte they allow: valid exactly when
// the byte is in its range, and rejected at that very byte otherwise.
TEST(Utf8Validator, MatchesTheWellFormedByteTable) {
  for (const WellFormedRow& row : kWellFormed) {
    for (int lead = row.leadLo; lead <= row.leadHi; ++lead) {
      for (size_t at = 0; at < row.tails.size(); ++at) {
        for (bool highFill : {false, true}) {
          for (int b = 0; b < 256; ++b) {
            std::string seq(1, static_cast<char>(lead));
            for (size_t k = 0; k < row.tails.size(); ++k) {
              const auto [lo, hi] = row.tails[k];
              seq.push_back(static_cast<char>(k == at ? b : (highFill ? hi : lo)));
            }
            const bool inRange = b >= row.tails[at].first && b <= row.tails[at].second;
            Utf8Validator v;
            const bool prefixOk = v.feed(bytes(seq), at + 2);  // up to and with the byte tried
            const bool valid = Utf8Validator::isValid(bytes(seq), seq.size());
            if (prefixOk != inRange || valid != inRange) {
              ADD_FAILURE() << hex(seq) << ": byte " << at + 1 << (inRange ? " wrongly rejected" : " wrongly accepted");
              return;
            }
          }
        }
      }
    }
  }
}

// Every split of every valid string gives the same answer as the whole.
TEST(Utf8Validator, StreamingSplitAtEveryOffset) {
  for (const std::string& s : kValid) {
    for (size_t cut = 0; cut <= s.size(); ++cut) {
      SCOPED_TRACE(hex(s) + " split at " + std::to_string(cut));
      Utf8Validator v;
      EXPECT_TRUE(v.feed(bytes(s), cut));
      EXPECT_EQ(v.complete(), Utf8Validator::isValid(bytes(s), cut));
      EXPECT_TRUE(v.feed(bytes(s) + cut, s.size() - cut));
      EXPECT_TRUE(v.complete());
    }
  }
  for (const Invalid& c : kInvalid) {
    for (size_t cut = 0; cut <= c.input.size(); ++cut) {
      SCOPED_TRACE(hex(c.input) + " split at " + std::to_string(cut));
      Utf8Validator v;
      v.feed(bytes(c.input), cut);
      EXPECT_FALSE(v.feed(bytes(c.input) + cut, c.input.size() - cut));
      EXPECT_TRUE(v.failed());
    }
  }
}

TEST(Utf8Validator, ValidStringsConcatenatedInPieces) {
  std::string all;
  for (const std::string& s : kValid) all += s;
  Utf8Validator v;
  for (size_t i = 0; i < all.size(); i += 3) {
    ASSERT_TRUE(v.feed(bytes(all) + i, std::min<size_t>(3, all.size() - i))) << "at " << i;
  }
  EXPECT_TRUE(v.complete());
}

// The ASCII fast path reads eight bytes at a time: a bad byte must be found
// wherever it sits in a word, at either end, and from an unaligned start.
TEST(Utf8Validator, AsciiFastPathFindsABadByteAtEveryPosition) {
  constexpr size_t kSize = 40;
  for (size_t start = 0; start < 2; ++start) {
    for (size_t pos = 0; pos < kSize; ++pos) {
      for (uint8_t bad : {0x80, 0xBF, 0xC0, 0xF5, 0xFF}) {
        std::string buf(kSize + start, 'a');
        buf[start + pos] = static_cast<char>(bad);
        SCOPED_TRACE("start " + std::to_string(start) + ", byte " + hex(buf.substr(start + pos, 1)) + " at " +
                     std::to_string(pos));
        EXPECT_FALSE(Utf8Validator::isValid(bytes(buf) + start, kSize));
      }
      std::string truncated(kSize + start, 'a');
      truncated[start + pos] = '\xE2';  // a lead byte followed by ASCII, or at the end
      EXPECT_FALSE(Utf8Validator::isValid(bytes(truncated) + start, kSize)) << "lead byte at " << pos;

      std::string good(kSize + start, 'a');
      good[start + pos] = '\x7F';
      if (pos + 1 < kSize) good.replace(start + pos, 2, "\xC3\xA9");
      EXPECT_TRUE(Utf8Validator::isValid(bytes(good) + start, kSize)) << "two-byte character at " << pos;
    }
  }
}

}  // namespace
}  // namespace chatd::proto
