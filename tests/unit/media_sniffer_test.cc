#include "proto/MediaSniffer.h"

#include <gtest/gtest.h>

#include <string>

namespace chatd::proto {
namespace {

TEST(MediaSnifferTest, KnowsTheCommonFormatsByTheirFirstBytes) {
  const auto sniff = [](std::string head) { return std::string(sniffMediaType(head, false)); };
  EXPECT_EQ(sniff("\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "image/png");
  EXPECT_EQ(sniff("\xff\xd8\xff\xe0\0\x10JFIF"), "image/jpeg");
  EXPECT_EQ(sniff("GIF89a\x01\0"), "image/gif");
  EXPECT_EQ(sniff(std::string("RIFF\x24\0\0\0WEBPVP8 ", 16)), "image/webp");
  EXPECT_EQ(sniff(std::string("RIFF\x24\0\0\0WAVEfmt ", 16)), "audio/wav");
  EXPECT_EQ(sniff("%PDF-1.7\n"), "application/pdf");
  EXPECT_EQ(sniff(std::string("OggS\0\x02", 6)), "audio/ogg");
  EXPECT_EQ(sniff("\x1a\x45\xdf\xa3\x9f"), "video/webm");
  EXPECT_EQ(sniff(std::string("\0\0\0\x20" "ftypisom", 12)), "video/mp4");
  EXPECT_EQ(sniff(std::string("\0\0\0\x20" "ftypM4A ", 12)), "audio/mp4");
  EXPECT_EQ(sniff("ID3\x04\0"), "audio/mpeg");
  EXPECT_EQ(sniff("\xff\xfb\x90\x64"), "audio/mpeg");
  EXPECT_EQ(sniff("\xff\xf1\x50\x80"), "application/octet-stream");  // AAC ADTS, layer 00
  EXPECT_EQ(sniff("hello, w\xc3\xb6rld\r\n\tend"), "text/plain");
  EXPECT_EQ(sniff(std::string("text\0with a NUL", 15)), "application/octet-stream");
  EXPECT_EQ(sniff("\x7f" "ELF"), "application/octet-stream");
  EXPECT_EQ(sniff("bad \xc3\x28 utf-8"), "application/octet-stream");
}

TEST(MediaSnifferTest, AUtf8SequenceCutByTheHeadIsStillText) {
  EXPECT_EQ(sniffMediaType("caf\xc3", false), "text/plain");
  EXPECT_EQ(sniffMediaType("caf\xc3", true), "application/octet-stream");
}

TEST(MediaSnifferTest, TheBytesDecideWhatIsStored) {
  EXPECT_EQ(storedMediaType("", "image/png"), "image/png");
  EXPECT_EQ(storedMediaType("application/octet-stream", "application/pdf"), "application/pdf");
  EXPECT_EQ(storedMediaType("Image/PNG; q=1", "image/png"), "image/png");
  EXPECT_EQ(storedMediaType("image/png", "image/jpeg"), "image/jpeg");
  EXPECT_EQ(storedMediaType("audio/webm;codecs=opus", "video/webm"), "audio/webm");
  EXPECT_EQ(storedMediaType("audio/mp3", "audio/mpeg"), "audio/mpeg");
  EXPECT_EQ(storedMediaType("audio/mpeg", "text/plain"), "text/plain");
  EXPECT_EQ(storedMediaType("text/html", "text/plain"), "application/octet-stream");
  EXPECT_EQ(storedMediaType("application/zip", "application/octet-stream"), "application/octet-stream");
}

TEST(MediaSnifferTest, AnImageThatIsNoImageIsRefused) {
  EXPECT_EQ(storedMediaType("image/png", "text/plain"), std::nullopt);
  EXPECT_EQ(storedMediaType("image/svg+xml", "text/plain"), std::nullopt);
  EXPECT_EQ(storedMediaType("image/gif", "application/octet-stream"), std::nullopt);
}

}  // namespace
}  // namespace chatd::proto
