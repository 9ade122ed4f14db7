// The config file, the environment and their precedence under the flags
// (ConfigLoader, ConfigFile), --check-config and --print-config.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <initializer_list>
#include <string>
#include <vector>

#include "app/CommandLine.h"
#include "app/ConfigLoader.h"
#include "reactor/SecretFile.h"
#include "tests/support/DataDir.h"

namespace chatd::app {
namespace {

constexpr const char* kSecret = "0123456789abcdef0123456789abcdef";  // 32 bytes: a usable HS256 secret

class ConfigFileTest : public ::testing::Test {
 protected:
  // Writes `text` to a file of the temporary directory (mode 0600 unless told) and returns its path.
  std::string write(const std::string& name, const std::string& text, mode_t mode = 0600) {
    const std::string path = dir_.path() + "/" + name;
    std::ofstream(path) << text;
    ::chmod(path.c_str(), mode);
    return path;
  }

  // chatd's parse of `args` with `environment` ("NAME=VALUE" each).
  static ParsedCommandLine parse(std::initializer_list<std::string> args,
                                 std::initializer_list<std::string> environment = {}) {
    std::vector<std::string> argStorage{"chatd"};
    argStorage.insert(argStorage.end(), args);
    std::vector<char*> argv;
    for (std::string& arg : argStorage) argv.push_back(arg.data());
    std::vector<std::string> envStorage(environment);
    std::vector<char*> env;
    for (std::string& variable : envStorage) env.push_back(variable.data());
    env.push_back(nullptr);
    return parseCommandLine(static_cast<int>(argv.size()), argv.data(), env.data());
  }

  // The configuration of `fileText` given with --config, and `args` after it.
  Config loaded(const std::string& fileText, std::initializer_list<std::string> environment = {}) {
    const std::string path = write("chatd.conf", fileText);
    ParsedCommandLine result = parse({"--config", path}, environment);
    EXPECT_TRUE(result.config.has_value()) << result.output;
    return result.config.value_or(Config{});
  }

  // --check-config's report of `fileText` (the file's path written as FILE).
  std::string check(const std::string& fileText, int expectedExit) {
    const std::string path = write("chatd.conf", fileText);
    ParsedCommandLine result = parse({"--config", path, "--check-config"});
    EXPECT_FALSE(result.config.has_value());
    EXPECT_EQ(result.exitCode, expectedExit) << result.output;
    std::string report = result.output;
    for (size_t at; (at = report.find(path)) != std::string::npos;) report.replace(at, path.size(), "FILE");
    return report;
  }

  testing::DataDir dir_;
};

TEST_F(ConfigFileTest, EveryKindOfKey) {
  const Config config = loaded(
      "# a comment\n"
      "; another\n"
      "\n"
      "listen = 127.0.0.1:9000\n"            // text, checked
      "reuse_port = on\n"                    // a switch
      "redis = redis://127.0.0.1:6379\n"     // (so reuse_port is allowed)
      "deflate = off\n"                      // on|off
      "max_queue = 4096\n"                   // bytes
      "max_connections = 77\n"               // a count
      "ping_interval = 1.5\n"                // seconds into milliseconds
      "token_ttl = 60\n"                     // whole seconds
      "rate = 2.5 ; inline comment\n"        // a rate
      "log_level = warn\n"                   // a level
      "allow_origin = https://a.example, https://b.example\n"
      "allow_origin = https://c.example\n"   // a list takes every line
      "  burst = 3  \n");                    // spaces around
  EXPECT_EQ(config.listen, "127.0.0.1:9000");
  EXPECT_TRUE(config.reusePort);
  EXPECT_FALSE(config.deflate);
  EXPECT_EQ(config.maxQueueBytes, 4096u);
  EXPECT_EQ(config.maxConnections, 77u);
  EXPECT_EQ(config.pingIntervalMs, 1500u);
  EXPECT_EQ(config.tokenTtlSeconds, 60);
  EXPECT_DOUBLE_EQ(config.ratePerSecond, 2.5);
  EXPECT_DOUBLE_EQ(config.rateBurst, 3);
  EXPECT_EQ(config.logLevel, reactor::LogLevel::kWarn);
  EXPECT_EQ(config.allowedOrigins,
            (std::vector<std::string>{"https://a.example", "https://b.example", "https://c.example"}));
  EXPECT_EQ(config.configFile, dir_.path() + "/chatd.conf");
}

TEST_F(ConfigFileTest, KeysUnderTheChatdSectionToo) {
  EXPECT_EQ(loaded("[chatd]\nmax_queue = 2048\n").maxQueueBytes, 2048u);
  EXPECT_EQ(loaded("max_queue = 2048\nmax_queue = 8192\n").maxQueueBytes, 8192u);  // the last one
}

TEST_F(ConfigFileTest, EveryProblemNamedByFileAndLine) {
  EXPECT_EQ(check("max_queue = 4096\n"
                  "max_qeue = 4096\n"
                  "max_body = lots\n"
                  "just words\n"
                  "[other]\n"
                  "listen = 1.2.3.4:5\n"
                  "[chatd\n"
                  "log_level = loud\n"
                  "config = other.conf\n",  // a flag of the command line only
                  1),
            "chatd: FILE:2: unknown key 'max_qeue'\n"
            "chatd: FILE:4: not 'key = value'\n"
            "chatd: FILE:5: unknown section [other]: keys stand before any section or under [chatd]\n"
            "chatd: FILE:7: a section header without ']'\n"
            "chatd: FILE:3: max_body wants a positive byte count\n");
  EXPECT_EQ(check("log_level = loud\nconfig = x\n", 1),
            "chatd: FILE:2: unknown key 'config'\n"
            "chatd: FILE:1: log_level wants debug, info, warn or error\n");
}

TEST_F(ConfigFileTest, CheckConfigPassesAGoodFileAndTheShippedExample) {
  EXPECT_EQ(check("max_queue = 4096\n", 0), "chatd: the configuration is valid\n");
  ParsedCommandLine shipped = parse({"--config", "dist/chatd.conf", "--check-config"});
  EXPECT_EQ(shipped.exitCode, 0) << shipped.output;
  EXPECT_EQ(shipped.output, "chatd: the configuration is valid\n");
}

TEST_F(ConfigFileTest, CheckConfigNamesFlagAndEnvironmentProblemsToo) {
  const std::string path = write("chatd.conf", "rate = fast\n");
  ParsedCommandLine result = parse({"--config", path, "--check-config", "--max-queue", "1"}, {"CHATD_BURST=0"});
  EXPECT_EQ(result.exitCode, 1);
  EXPECT_EQ(result.output,
            "chatd: " + path + ":1: rate wants a number of messages per second (0: no limit)\n"
            "chatd: CHATD_BURST wants a number of at least 1\n"
            "chatd: --max-queue wants a byte count from 1024 to 1073741824 (1 GiB)\n");
}

TEST_F(ConfigFileTest, AStartWithProblemsExitsTwoWithAllOfThem) {
  const std::string path = write("chatd.conf", "bogus = 1\nrate = fast\n");
  ParsedCommandLine result = parse({"--config", path});
  EXPECT_FALSE(result.config.has_value());
  EXPECT_EQ(result.exitCode, 2);
  EXPECT_EQ(result.output, "chatd: " + path + ":1: unknown key 'bogus'\nchatd: " + path +
                               ":2: rate wants a number of messages per second (0: no limit)\nTry 'chatd --help'.\n");
  EXPECT_EQ(parse({"--config", dir_.path() + "/missing.conf"}).output,
            "chatd: " + dir_.path() + "/missing.conf: cannot read: No such file or directory\nTry 'chatd --help'.\n");
}

TEST_F(ConfigFileTest, FlagsOverTheEnvironmentOverTheFile) {
  const std::string path = write("chatd.conf",
                                 "rate = 1\nburst = 2\nmax_queue = 4096\nallow_origin = https://file.example\n");
  ParsedCommandLine result = parse({"--config", path, "--rate", "3", "--allow-origin", "https://flag.example"},
                                   {"CHATD_RATE=5", "CHATD_BURST=6", "PATH=/bin"});
  ASSERT_TRUE(result.config.has_value()) << result.output;
  EXPECT_DOUBLE_EQ(result.config->ratePerSecond, 3);      // flag > environment > file
  EXPECT_DOUBLE_EQ(result.config->rateBurst, 6);          // environment > file
  EXPECT_EQ(result.config->maxQueueBytes, 4096u);         // file > default
  EXPECT_EQ(result.config->maxConnections, 10'000u);      // the default
  EXPECT_EQ(result.config->allowedOrigins, std::vector<std::string>{"https://flag.example"});  // replaced whole
  EXPECT_TRUE(result.warnings.empty());
}

TEST_F(ConfigFileTest, EnvironmentAloneAndUnknownVariablesWarned) {
  ParsedCommandLine result = parse({}, {"CHATD_MAX_CONNECTIONS=12", "CHATD_LOG_LEVEL=debug", "CHATD_MAX_CONECTIONS=1",
                                        "CHATD_CONFIG=/etc/chatd.conf"});
  ASSERT_TRUE(result.config.has_value()) << result.output;
  EXPECT_EQ(result.config->maxConnections, 12u);
  EXPECT_EQ(result.config->logLevel, reactor::LogLevel::kDebug);
  EXPECT_EQ(result.warnings, (std::vector<std::string>{"ignoring CHATD_MAX_CONECTIONS: no chatd setting has that name",
                                                       "ignoring CHATD_CONFIG: no chatd setting has that name"}));
}

TEST_F(ConfigFileTest, PrintConfigRedactsSecretsAndReadsBackTheSame) {
  const std::string path = write("chatd.conf",
                                 "jwt_secret = " + std::string(kSecret) + "\n"
                                 "redis = redis://:hunter2hunter2@127.0.0.1:6379\n"
                                 "allow_origin = https://a.example,https://b.example\n");
  ParsedCommandLine printed = parse({"--config", path, "--print-config", "--rate", "4"}, {"CHATD_MAX_BODY=2048"});
  ASSERT_EQ(printed.exitCode, 0) << printed.output;
  const std::string& text = printed.output;
  EXPECT_EQ(text.find(kSecret), std::string::npos) << text;
  EXPECT_EQ(text.find("hunter2"), std::string::npos) << text;
  EXPECT_NE(text.find("# from " + path + ":1\n# jwt_secret = (set; a secret is not shown)\n"), std::string::npos);
  EXPECT_NE(text.find("# from --rate\nrate = 4\n"), std::string::npos) << text;
  EXPECT_NE(text.find("# from CHATD_MAX_BODY\nmax_body = 2048\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nallow_origin = https://a.example,https://b.example\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\n# tls_cert =\n"), std::string::npos) << text;  // unset: commented out

  // Read back, the printed file is the same configuration, secrets aside.
  const std::string reprinted = write("printed.conf", text);
  ParsedCommandLine again = parse({"--config", reprinted});
  ASSERT_TRUE(again.config.has_value()) << again.output;
  EXPECT_DOUBLE_EQ(again.config->ratePerSecond, 4);
  EXPECT_EQ(again.config->maxBodyBytes, 2048u);
  EXPECT_EQ(again.config->allowedOrigins, (std::vector<std::string>{"https://a.example", "https://b.example"}));
  EXPECT_TRUE(again.config->jwtSecret.empty());
}

TEST_F(ConfigFileTest, JwtSecretFromAFile) {
  const std::string secretPath = write("jwt.secret", std::string(kSecret) + "\n");
  ParsedCommandLine result = parse({"--jwt-secret-file", secretPath});
  ASSERT_TRUE(result.config.has_value()) << result.output;
  EXPECT_EQ(result.config->jwtSecret, kSecret);  // without the newline
  EXPECT_TRUE(result.warnings.empty());

  const std::string shortPath = write("short.secret", "too short\n");
  EXPECT_EQ(parse({"--jwt-secret-file", shortPath}).output,
            "chatd: --jwt-secret-file: the secret in " + shortPath + " wants at least 32 bytes\nTry 'chatd --help'.\n");
  EXPECT_EQ(parse({"--jwt-secret-file", secretPath, "--jwt-secret", kSecret}).output,
            "chatd: --jwt-secret and --jwt-secret-file: give the secret one way\nTry 'chatd --help'.\n");
  EXPECT_EQ(parse({"--jwt-secret-file", dir_.path() + "/none"}).output,
            "chatd: --jwt-secret-file: cannot read " + dir_.path() + "/none: No such file or directory\n"
            "Try 'chatd --help'.\n");
}

TEST_F(ConfigFileTest, SecretFilesOthersMayReadAreWarnedAbout) {
  const std::string secretPath = write("jwt.secret", kSecret, 0644);
  ParsedCommandLine result = parse({"--jwt-secret-file", secretPath});
  ASSERT_TRUE(result.config.has_value()) << result.output;
  EXPECT_EQ(result.warnings, std::vector<std::string>{reactor::secretFileExposure(secretPath)});
  EXPECT_EQ(result.warnings[0],
            secretPath + " holds a secret but its mode 0644 lets every local user read it: chmod 600 " + secretPath);

  // A config file is warned about when it holds a secret, not otherwise.
  const std::string withSecret = write("secret.conf", "jwt_secret = " + std::string(kSecret) + "\n", 0604);
  EXPECT_EQ(parse({"--config", withSecret}).warnings,
            std::vector<std::string>{withSecret + " holds a secret but its mode 0604 lets every local user read it: " +
                                     "chmod 600 " + withSecret});
  // Its group may read it when that is chatd's own group (the installed root:chatd 0640).
  EXPECT_TRUE(parse({"--config", write("group.conf", "jwt_secret = " + std::string(kSecret) + "\n", 0640)})
                  .warnings.empty());
  // So is the TLS private key.
  const std::string key = write("tls.key", "not read here", 0604);
  EXPECT_EQ(parse({"--tls-cert", secretPath, "--tls-key", key}).warnings,
            std::vector<std::string>{key + " holds a secret but its mode 0604 lets every local user read it: " +
                                     "chmod 600 " + key});
  const std::string plain = write("plain.conf", "rate = 1\n", 0644);
  EXPECT_TRUE(parse({"--config", plain}).warnings.empty());
  EXPECT_EQ(reactor::secretFileExposure(write("owner.secret", kSecret, 0600)), "");
}

}  // namespace
}  // namespace chatd::app
