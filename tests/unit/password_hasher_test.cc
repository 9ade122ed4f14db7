// PasswordHasher with the cheapest Argon2 costs, so each hash takes
// microseconds; the production defaults are only checked for their values.
#include "auth/PasswordHasher.h"

#include <gtest/gtest.h>

#include <argon2.h>

#include <chrono>
#include <ctime>
#include <string>

namespace chatd::auth {
namespace {

constexpr Argon2Params kCheap = kCheapArgon2Params;

TEST(PasswordHasher, HashThenVerifyRoundTrips) {
  const std::string encoded = hashPassword("correct horse battery", kCheap);
  ASSERT_FALSE(encoded.empty());
  EXPECT_TRUE(verifyPassword("correct horse battery", encoded));
}

TEST(PasswordHasher, WrongPasswordDoesNotVerify) {
  const std::string encoded = hashPassword("correct horse battery", kCheap);
  ASSERT_FALSE(encoded.empty());
  EXPECT_FALSE(verifyPassword("correct horse batterz", encoded));
  EXPECT_FALSE(verifyPassword("correct horse battery ", encoded));
  EXPECT_FALSE(verifyPassword("", encoded));
}

TEST(PasswordHasher, BytesAfterANulStillCount) {
  const std::string password("abc\0def-ghi", 11);
  const std::string encoded = hashPassword(password, kCheap);
  ASSERT_FALSE(encoded.empty());
  EXPECT_TRUE(verifyPassword(password, encoded));
  EXPECT_FALSE(verifyPassword(std::string("abc\0xyz-ghi", 11), encoded));
}

TEST(PasswordHasher, EachHashHasItsOwnSalt) {
  const std::string first = hashPassword("same password", kCheap);
  const std::string second = hashPassword("same password", kCheap);
  ASSERT_FALSE(first.empty());
  EXPECT_NE(first, second);
  EXPECT_TRUE(verifyPassword("same password", first));
  EXPECT_TRUE(verifyPassword("same password", second));
}

TEST(PasswordHasher, EncodesArgon2idWithItsParameters) {
  const Argon2Params params{2, 16, 1};
  const std::string encoded = hashPassword("some password", params);
  EXPECT_TRUE(encoded.starts_with("$argon2id$v=19$m=16,t=2,p=1$")) << encoded;
  EXPECT_EQ(encodedParams(encoded), params);
}

TEST(PasswordHasher, ProductionDefaultsMeetOwaspMinimums) {
  EXPECT_GE(kDefaultArgon2Params.memoryKiB, 19u * 1024);
  EXPECT_GE(kDefaultArgon2Params.timeCost, 2u);
  EXPECT_GE(kDefaultArgon2Params.lanes, 1u);
}

TEST(PasswordHasher, RefusesParametersLibargon2Rejects) {
  EXPECT_EQ(hashPassword("some password", Argon2Params{0, 8, 1}), "");
  EXPECT_EQ(hashPassword("some password", Argon2Params{1, 4, 1}), "");
}

TEST(PasswordHasher, MalformedEncodedStringsAreFalse) {
  const std::string good = hashPassword("some password", kCheap);
  ASSERT_TRUE(verifyPassword("some password", good));
  const std::string saltAndHash = good.substr(good.find("$", std::string("$argon2id$v=19$m").size()));
  const std::string bad[] = {
      "",
      "some password",
      "$argon2id$",
      "$argon2id$v=19$m=8,t=1,p=1",
      "$argon2id$v=19$m=8,t=1,p=1$$",
      "$argon2id$v=19$m=,t=1,p=1" + saltAndHash,
      "$argon2id$v=19$m=8,t=1" + saltAndHash,
      "$argon2id$v=16$m=8,t=1,p=1" + saltAndHash,
      "$argon2id$v=19$m=99999999999,t=1,p=1" + saltAndHash,
      good.substr(0, good.size() - 5),
      good + "!",
      good + std::string(1, '\0'),
  };
  for (const std::string& encoded : bad) {
    EXPECT_FALSE(verifyPassword("some password", encoded)) << encoded;
  }
  EXPECT_EQ(encodedParams("$argon2id$v=19$m=8,t=1" + saltAndHash), std::nullopt);
}

TEST(PasswordHasher, OtherArgon2VariantsAreFalse) {
  const std::string password = "some password";
  const unsigned char salt[16] = {1, 2, 3};
  char encoded[128];
  ASSERT_EQ(argon2i_hash_encoded(1, 8, 1, password.data(), password.size(), salt, sizeof salt,
                                 32, encoded, sizeof encoded),
            ARGON2_OK);
  EXPECT_FALSE(verifyPassword(password, encoded));
}

TEST(PasswordHasher, ExcessiveStoredCostIsRefusedWithoutHashing) {
  // Two million passes: libargon2 would spend many seconds on it.
  const std::string good = hashPassword("some password", kCheap);
  const std::string tail = good.substr(good.find(",p="));
  const std::string planted = "$argon2id$v=19$m=8,t=2000000" + tail;
  ASSERT_EQ(encodedParams(planted), (Argon2Params{2'000'000, 8, 1}));
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(verifyPassword("some password", planted));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(500));
}

TEST(PasswordHasher, BurningVerificationTimeTakesAboutAsLongAsVerifying) {
  // Costs high enough that timing noise is small next to one hash. The
  // thread's own CPU time, not the wall clock: other processes on a busy
  // machine then cannot tip the comparison.
  const Argon2Params params{2, 4 * 1024, 1};
  const std::string encoded = hashPassword("some password", params);
  ASSERT_FALSE(encoded.empty());
  auto cpuNs = [] {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
  };
  int64_t verify = 0, burn = 0;
  for (int i = 0; i < 5; ++i) {
    int64_t start = cpuNs();
    EXPECT_FALSE(verifyPassword("wrong password", encoded));
    verify += cpuNs() - start;
    start = cpuNs();
    burnVerificationTime(params);
    burn += cpuNs() - start;
  }
  EXPECT_GT(burn * 2, verify);
  EXPECT_LT(burn, verify * 2);
}

TEST(PasswordHasher, PasswordLengthRule) {
  EXPECT_FALSE(isAcceptablePassword(""));
  EXPECT_FALSE(isAcceptablePassword(std::string(7, 'a')));
  EXPECT_TRUE(isAcceptablePassword(std::string(8, 'a')));
  EXPECT_TRUE(isAcceptablePassword(std::string(128, 'a')));
  EXPECT_FALSE(isAcceptablePassword(std::string(129, 'a')));
  // Bytes, not characters: four 2-byte letters are 8 bytes.
  EXPECT_TRUE(isAcceptablePassword("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"));
}

}  // namespace
}  // namespace chatd::auth
