#include "app/CommandLine.h"

#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

#include "app/Option.h"

namespace chatd::app {
namespace {

ParsedCommandLine parse(std::initializer_list<std::string> args) {
  std::vector<std::string> storage{"chatd"};
  storage.insert(storage.end(), args);
  std::vector<char*> argv;
  for (std::string& arg : storage) argv.push_back(arg.data());
  return parseCommandLine(static_cast<int>(argv.size()), argv.data());
}

Config parsed(std::initializer_list<std::string> args) {
  ParsedCommandLine result = parse(args);
  EXPECT_TRUE(result.config.has_value()) << result.output;
  return result.config.value_or(Config{});
}

// The complaint for args, without the "chatd: " before it and the hint after it.
std::string error(std::initializer_list<std::string> args) {
  ParsedCommandLine result = parse(args);
  EXPECT_FALSE(result.config.has_value());
  EXPECT_EQ(result.exitCode, 2);
  const std::string prefix = "chatd: ";
  const std::string suffix = "\nTry 'chatd --help'.\n";
  if (result.output.size() < prefix.size() + suffix.size() || result.output.rfind(prefix, 0) != 0 ||
      result.output.substr(result.output.size() - suffix.size()) != suffix) {
    return "malformed: " + result.output;
  }
  return result.output.substr(prefix.size(), result.output.size() - prefix.size() - suffix.size());
}

const Option& option(std::string_view name) {
  const Option* found = optionNamed(name);
  EXPECT_NE(found, nullptr) << "no option " << name;
  return found ? *found : configOptions().front();
}

std::string fileText(const std::string& path) {
  std::ifstream file(path);
  EXPECT_TRUE(file) << path << " not found: run from the source tree";
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// Whether `text` holds `word` not followed by more of a name (a letter, a
// digit, '_', or roff's "\-").
bool namesWord(const std::string& text, const std::string& word) {
  for (size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) {
    const char next = at + word.size() < text.size() ? text[at + word.size()] : '\n';
    const bool nameGoesOn = std::isalnum(static_cast<unsigned char>(next)) || next == '_' ||
                            text.compare(at + word.size(), 2, "\\-") == 0;
    if (!nameGoesOn) return true;
  }
  return false;
}

TEST(Config, NoArgumentsGiveTheDefaults) {
  ParsedCommandLine result = parse({});
  ASSERT_TRUE(result.config.has_value());
  EXPECT_EQ(result.exitCode, 0);
  EXPECT_EQ(result.output, "");
  const Config& config = *result.config;
  EXPECT_EQ(config.listen, "127.0.0.1:8080");
  EXPECT_FALSE(config.reusePort);
  EXPECT_EQ(config.maxQueueBytes, 1024u * 1024);
  EXPECT_EQ(config.pingIntervalMs, 30'000u);
  EXPECT_EQ(config.tokenTtlSeconds, 86'400);
  EXPECT_EQ(config.ratePerSecond, 20);
  EXPECT_EQ(config.roomsPerHour, 60u);
  EXPECT_TRUE(config.allowedOrigins.empty());
  EXPECT_EQ(config.logLevel, reactor::LogLevel::kInfo);
}

TEST(Config, ValueAfterTheFlagOrAfterAnEqualsSign) {
  EXPECT_EQ(parsed({"--max-queue", "2048"}).maxQueueBytes, 2048u);
  EXPECT_EQ(parsed({"--max-queue=4096"}).maxQueueBytes, 4096u);
  EXPECT_EQ(parsed({"--data=a=b"}).dataDir, "a=b");
  EXPECT_EQ(parsed({"--data", "--listen"}).dataDir, "--listen");  // the next argument is the value, whatever it is
  EXPECT_EQ(parsed({"--listen", "127.0.0.1:1", "--listen", "127.0.0.1:2"}).listen, "127.0.0.1:2");  // the last wins
}

TEST(Config, Bytes) {
  EXPECT_EQ(parsed({"--max-message", "1"}).maxMessageBytes, 1u);
  EXPECT_EQ(parsed({"--max-message", "1073741824"}).maxMessageBytes, 1073741824u);
  const std::string wants = "--max-message wants a byte count from 1 to 1073741824 (1 GiB)";
  for (const char* bad : {"0", "1073741825", "-1", "+5", "12x", "", " 5", "99999999999999999999999"}) {
    EXPECT_EQ(error({"--max-message", bad}), wants) << bad;
  }
  EXPECT_EQ(error({"--max-queue", "1023"}), "--max-queue wants a byte count from 1024 to 1073741824 (1 GiB)");
  EXPECT_EQ(error({"--max-body", "0"}), "--max-body wants a positive byte count");
  EXPECT_EQ(error({"--max-content", "1048577"}), "--max-content wants a byte count from 1 to 1048576");
}

TEST(Config, OnOff) {
  EXPECT_TRUE(parsed({}).deflate);
  EXPECT_FALSE(parsed({"--deflate", "off"}).deflate);
  EXPECT_TRUE(parsed({"--deflate=off", "--deflate=on"}).deflate);
  for (const char* bad : {"", "yes", "1", "ON", "true"}) {
    EXPECT_EQ(error({"--deflate", bad}), "--deflate wants on or off") << bad;
  }
  EXPECT_EQ(parsed({}).deflateMinBytes, 64u);
  EXPECT_EQ(parsed({"--deflate-min-size", "0"}).deflateMinBytes, 0u);
}

TEST(Config, Counts) {
  EXPECT_EQ(parsed({"--rooms-per-hour", "0"}).roomsPerHour, 0u);
  EXPECT_EQ(parsed({"--registrations-per-hour", "1000000"}).registrationsPerHour, 1'000'000u);
  EXPECT_EQ(error({"--rooms-per-hour", "1000001"}), "--rooms-per-hour wants a count per hour from 0 (no limit) to 1000000");
  EXPECT_EQ(parsed({"--max-reactions", "1"}).maxReactionsPerMessage, 1u);
  EXPECT_EQ(error({"--max-sessions-per-user", "0"}), "--max-sessions-per-user wants a count from 1 to 1000000");
  EXPECT_EQ(parsed({"--max-connections", "18446744073709551615"}).maxConnections, SIZE_MAX);
  EXPECT_EQ(error({"--max-connections", "0"}), "--max-connections wants a positive number");
  EXPECT_EQ(parsed({"--argon2-memory", "8"}).argon2MemoryKiB, 8u);
  EXPECT_EQ(error({"--argon2-memory", "4194305"}), "--argon2-memory wants 8 to 4194304 KiB");
  EXPECT_EQ(error({"--max-pending-hashes", "100001"}), "--max-pending-hashes wants a number from 1 to 100000");
  EXPECT_EQ(parsed({}).historyMax, 0u);
  EXPECT_EQ(parsed({"--history-max", "500"}).historyMax, 500u);
  EXPECT_EQ(error({"--history-max", "100000001"}), "--history-max wants a count from 0 (keep all) to 100000000");
}

TEST(Config, SecondsIntoMilliseconds) {
  EXPECT_EQ(parsed({"--ping-interval", "0.5"}).pingIntervalMs, 500u);
  EXPECT_EQ(parsed({"--handshake-timeout", "1e3"}).handshakeTimeoutMs, 1'000'000u);
  EXPECT_EQ(parsed({"--drain-timeout", "0.0005"}).drainTimeoutMs, 1u);  // rounded to the millisecond
  EXPECT_EQ(parsed({"--stall-timeout", "31536000"}).stallTimeoutMs, 31'536'000'000u);  // a year at most
  for (const char* bad : {"0", "-1", "-0", "0.0004", "31536001", "inf", "nan", "abc", ""}) {
    EXPECT_EQ(error({"--ping-timeout", bad}), "--ping-timeout wants a positive number of seconds") << bad;
  }
}

TEST(Config, WholeSeconds) {
  EXPECT_EQ(parsed({"--token-ttl", "1.5"}).tokenTtlSeconds, 1);
  EXPECT_EQ(parsed({"--token-ttl", "0.9996"}).tokenTtlSeconds, 1);  // 1000 ms
  EXPECT_EQ(error({"--token-ttl", "0.9"}), "--token-ttl wants at least 1 second");
}

TEST(Config, Rates) {
  EXPECT_EQ(parsed({"--rate", "0"}).ratePerSecond, 0);
  EXPECT_EQ(parsed({"--rate", "2.5"}).ratePerSecond, 2.5);
  EXPECT_EQ(parsed({"--rate", "1e9"}).ratePerSecond, 1e9);
  for (const char* bad : {"-1", "1000000001", "nan", "inf", "x"}) {
    EXPECT_EQ(error({"--rate", bad}), "--rate wants a number of messages per second (0: no limit)") << bad;
  }
  EXPECT_EQ(parsed({"--burst", "1"}).rateBurst, 1);
  EXPECT_EQ(error({"--burst", "0.5"}), "--burst wants a number of at least 1");
}

TEST(Config, Text) {
  EXPECT_EQ(parsed({"--listen", "[::1]:0"}).listen, "[::1]:0");
  EXPECT_EQ(error({"--listen", "nonsense"}), "--listen wants ADDR:PORT, e.g. 127.0.0.1:8080, got 'nonsense'");
  EXPECT_EQ(error({"--data="}), "--data wants a directory");
  EXPECT_EQ(error({"--jwt-secret", "short"}), "--jwt-secret wants at least 32 bytes");
  EXPECT_EQ(parsed({"--jwt-public-key="}).jwtPublicKeyFile, "");  // anything goes
  EXPECT_EQ(error({"--jwt-issuer", "chatd"}), "--jwt-issuer wants a non-empty string other than 'chatd'");
  EXPECT_EQ(parsed({"--jwt-issuer", "app"}).jwtIssuer, "app");
  EXPECT_EQ(error({"--jwt-audience="}), "--jwt-audience wants a non-empty string");
  EXPECT_EQ(error({"--echo", "e"}), "--echo wants a path starting with '/'");
  EXPECT_EQ(parsed({"--broadcast", "/b"}).broadcastPath, "/b");
}

TEST(Config, ListsAppendEachItem) {
  const Config config =
      parsed({"--allow-origin", "https://a.example, https://b.example", "--allow-origin=http://c.example:8080"});
  EXPECT_EQ(config.allowedOrigins,
            (std::vector<std::string>{"https://a.example", "https://b.example", "http://c.example:8080"}));
  EXPECT_TRUE(parsed({"--allow-origin", " , "}).allowedOrigins.empty());
  EXPECT_EQ(error({"--allow-origin", "https://a.example,https://b.example/"}),
            "--allow-origin wants scheme://host[:port], no path, got 'https://b.example/'");
}

TEST(Config, LogLevel) {
  EXPECT_EQ(parsed({"--log-level", "debug"}).logLevel, reactor::LogLevel::kDebug);
  EXPECT_EQ(parsed({"--log-level=error"}).logLevel, reactor::LogLevel::kError);
  EXPECT_EQ(error({"--log-level", "INFO"}), "--log-level wants debug, info, warn or error");
}

TEST(Config, ReusePortOnlyWithRedisOrEchoOrBroadcast) {
  EXPECT_TRUE(parsed({"--reuse-port", "--echo", "/e"}).reusePort);
  EXPECT_TRUE(parsed({"--broadcast", "/b", "--reuse-port"}).reusePort);
  EXPECT_TRUE(parsed({"--reuse-port", "--redis", "redis://127.0.0.1:6379"}).reusePort);
  EXPECT_EQ(error({"--reuse-port"}),
            "--reuse-port needs --redis for chat (or --echo/--broadcast only): chat processes sharing a port "
            "without a shared Redis would not deliver each other's messages");
}

TEST(Config, WorkersNeedRedis) {
  EXPECT_EQ(parsed({"--workers", "3", "--redis", "unix:///run/redis.sock"}).workers, 3u);
  EXPECT_EQ(error({"--workers", "2"}),
            "--workers needs --redis: worker processes share their users, rooms and messages through Redis");
  EXPECT_NE(error({"--redis", "http://x"}).find("redis://"), std::string::npos);
}

TEST(Config, WorkersNeedAnExplicitPort) {
  EXPECT_EQ(parsed({"--workers", "2", "--redis", "redis://127.0.0.1", "--listen", "127.0.0.1:8081"}).workers, 2u);
  EXPECT_EQ(error({"--workers", "2", "--redis", "redis://127.0.0.1", "--listen", "127.0.0.1:0"}),
            "--workers needs an explicit --listen port: with port 0 each worker would get a port of its own");
  EXPECT_EQ(parsed({"--redis", "redis://127.0.0.1", "--listen", "127.0.0.1:0"}).workers, 0u);  // one process may
}

TEST(Config, UnknownOptions) {
  EXPECT_EQ(error({"--bogus"}), "unknown option '--bogus'");
  EXPECT_EQ(error({"--bogus=1"}), "unknown option '--bogus'");
  EXPECT_EQ(error({"listen"}), "unknown option 'listen'");  // a flag starts with "--"
  EXPECT_EQ(error({"-h"}), "unknown option '-h'");
  EXPECT_EQ(error({"--max-queue", "2048", "extra"}), "unknown option 'extra'");
}

TEST(Config, MissingValue) {
  EXPECT_EQ(error({"--listen"}), "option --listen needs a value");
  EXPECT_EQ(error({"--echo", "/e", "--rate"}), "option --rate needs a value");
}

TEST(Config, HelpAndVersionStopTheParse) {
  ParsedCommandLine help = parse({"--max-queue", "2048", "--help", "--bogus"});
  EXPECT_FALSE(help.config.has_value());
  EXPECT_EQ(help.exitCode, 0);
  EXPECT_EQ(help.output, usageText());

  ParsedCommandLine version = parse({"--version"});
  EXPECT_FALSE(version.config.has_value());
  EXPECT_EQ(version.exitCode, 0);
  EXPECT_EQ(version.output, std::string("chatd ") + CHATD_VERSION + "\n");

  EXPECT_EQ(error({"--bogus", "--help"}), "unknown option '--bogus'");  // in order
}

TEST(Config, HelpListsEveryOptionOnceWithItsDefault) {
  const std::string help = usageText();
  for (const Option& option : configOptions()) {
    const std::string flag = "\n  --" + std::string(option.name) + (option.takesValue() ? " " : "");
    const size_t at = help.find(flag);
    ASSERT_NE(at, std::string::npos) << option.name;
    EXPECT_EQ(help.find(flag, at + 1), std::string::npos) << option.name;
  }
  size_t lines = 0;
  for (size_t start = 0, end; (end = help.find('\n', start)) != std::string::npos; start = end + 1, ++lines) {
    EXPECT_LE(end - start, 100u) << help.substr(start, end - start);
  }
  EXPECT_GE(lines, configOptions().size());
  // Defaults come from Config, in the flag's unit.
  EXPECT_NE(help.find("  --ping-interval SECONDS   ping a WebSocket that has been silent this long (default 30)\n"),
            std::string::npos);
  EXPECT_NE(help.find("  --listen ADDR:PORT        address to listen on (default 127.0.0.1:8080; port 0 picks one)\n"),
            std::string::npos);
  EXPECT_NE(help.find("(default 20; 0: no limit)"), std::string::npos);
  EXPECT_NE(help.find("(default info)"), std::string::npos);
  EXPECT_NE(help.find("at PATH (off by default)"), std::string::npos);  // an empty default: the note alone
  // A flag too long for its column puts its help on the next line; the default stays whole.
  EXPECT_NE(help.find("  --handshake-timeout SECONDS\n                            time allowed"), std::string::npos);
  EXPECT_NE(help.find("sustained\n                            (default 20; 0: no limit)\n"), std::string::npos);
}

// chatd(8) is written by hand: it must at least name every option (as roff
// writes it, "\\-\\-max\\-queue"). Run from the source tree, as tests/run.sh does.
TEST(Config, ManPageNamesEveryOption) {
  const std::string text = fileText("man/chatd.8");
  for (const Option& option : configOptions()) {
    std::string roff = "\\-\\-";
    for (char c : option.name) roff += c == '-' ? std::string("\\-") : std::string(1, c);
    EXPECT_TRUE(namesWord(text, roff)) << option.name << " is not in man/chatd.8";
  }
}

// chatd.conf(5) lists every key (roff writes '_' as is), and the example
// config names each, commented out or not; other options are in neither.
TEST(Config, ConfPageAndExampleNameEveryKey) {
  const std::string page = fileText("man/chatd.conf.5");
  const std::string example = fileText("dist/chatd.conf");
  for (const Option& option : configOptions()) {
    const std::string key = option.key();
    if (!option.isKey()) {
      EXPECT_EQ(example.find("\n" + key + " ="), std::string::npos) << key;
      continue;
    }
    EXPECT_TRUE(namesWord(example, "\n" + key + " =") || namesWord(example, "\n#" + key + " ="))
        << key << " is not in dist/chatd.conf";
    // Its entry under KEYS, which says whether a reload applies it.
    const size_t entry = page.find("\n.BI " + key + " \"", page.find(".SH KEYS"));
    ASSERT_NE(entry, std::string::npos) << key << " is not under KEYS in man/chatd.conf.5";
    const size_t next = page.find("\n.", page.find('\n', entry + 1));
    EXPECT_EQ(page.substr(entry, next - entry).find("Reloadable.") != std::string::npos, option.reloadable()) << key;
  }
}

TEST(Config, ShowFormatsEachType) {
  Config config;
  config.pingIntervalMs = 1500;
  config.allowedOrigins = {"https://a.example", "https://b.example"};
  config.rateBurst = 2.5;
  EXPECT_EQ(option("ping-interval").show(config), "1.5");
  EXPECT_EQ(option("allow-origin").show(config), "https://a.example,https://b.example");
  EXPECT_EQ(option("burst").show(config), "2.5");
  EXPECT_EQ(option("argon2-memory").show(config), "65536");
  EXPECT_EQ(option("log-level").show(config), "info");
  EXPECT_EQ(option("reuse-port").show(config), "off");
  EXPECT_EQ(option("deflate").show(config), "on");
  config.deflate = false;
  EXPECT_EQ(option("deflate").show(config), "off");
}

}  // namespace
}  // namespace chatd::app
