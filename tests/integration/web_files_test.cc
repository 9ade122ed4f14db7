// The web client's files: served at / from --web-root with their types,
// revalidated by ETag, and with the headers that keep a browser strict.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/support/ChatdProcess.h"
#include "tests/support/HttpCall.h"
#include "tests/support/Subprocess.h"

namespace chatd::testing {

namespace {

namespace fs = std::filesystem;

// A web root with a page, a script in a subdirectory and a dot file.
class WebFiles : public ::testing::Test {
 protected:
  WebFiles() {
    char pattern[] = "/tmp/chatd-web-XXXXXX";
    root_ = ::mkdtemp(pattern);
    fs::create_directory(root_ + "/js");
    write("index.html", "<!doctype html><title>chatd</title><script type=\"module\" src=\"/js/app.js\"></script>");
    write("js/app.js", "export const answer = 42;\n");
    write(".secret", "not for the web");
    chatd_ = std::make_unique<ChatdProcess>(std::vector<std::string>{"--web-root", root_});
  }
  ~WebFiles() override {
    chatd_.reset();
    fs::remove_all(root_);
  }
  void write(const std::string& name, const std::string& text) { std::ofstream(root_ + "/" + name) << text; }
  int port() const { return chatd_->port(); }

  std::string root_;
  std::unique_ptr<ChatdProcess> chatd_;
};

}  // namespace

TEST_F(WebFiles, TheRootServesIndexHtmlWithStrictHeaders) {
  const HttpReply page = httpCall(port(), "GET", "/");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("<title>chatd</title>"), std::string::npos);
  EXPECT_EQ(page.header("X-Content-Type-Options"), "nosniff");
  const std::string csp = page.header("Content-Security-Policy").value_or("");
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
  EXPECT_TRUE(page.header("ETag"));
}

TEST_F(WebFiles, ScriptsHaveAJavaScriptType) {
  const HttpReply script = httpCall(port(), "GET", "/js/app.js");
  ASSERT_EQ(script.status, 200);
  EXPECT_EQ(script.header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(script.body, "export const answer = 42;\n");
}

TEST_F(WebFiles, AnUnchangedFileIsRevalidatedWith304) {
  const HttpReply first = httpCall(port(), "GET", "/js/app.js");
  const std::string etag = first.header("ETag").value_or("");
  ASSERT_FALSE(etag.empty());
  const HttpReply again = httpCall(port(), "GET", "/js/app.js", {}, "If-None-Match: " + etag + "\r\n");
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(again.header("ETag"), etag);
  const HttpReply stale = httpCall(port(), "GET", "/js/app.js", {}, "If-None-Match: \"other\"\r\n");
  EXPECT_EQ(stale.status, 200);
}

TEST_F(WebFiles, FilesAreReadOnly) {
  const HttpReply post = httpCall(port(), "POST", "/js/app.js", "{}");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.header("Allow"), "GET, HEAD");
  const HttpReply head = httpCall(port(), "HEAD", "/js/app.js");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
}

TEST_F(WebFiles, OnlyFilesUnderTheRootAreServed) {
  EXPECT_EQ(httpCall(port(), "GET", "/.secret").status, 404);
  EXPECT_EQ(httpCall(port(), "GET", "/../etc/passwd").status, 404);
  EXPECT_EQ(httpCall(port(), "GET", "/js/%2e%2e/%2e%2e/etc/passwd").status, 404);
  EXPECT_EQ(httpCall(port(), "GET", "/missing.js").status, 404);
  // The API keeps its own answers.
  EXPECT_EQ(httpCall(port(), "GET", "/healthz").status, 200);
}

TEST(WebRoot, AnUnreadableWebRootStopsTheStart) {
  char data[] = "/tmp/chatd-web-data-XXXXXX";
  ASSERT_TRUE(::mkdtemp(data));
  const ProcessResult result = runProcess(
      {ChatdProcess::binary(), "--listen", "127.0.0.1:0", "--data", data, "--web-root", "/nonexistent/web"}, 10000);
  fs::remove_all(data);
  EXPECT_TRUE(WIFEXITED(result.status) && WEXITSTATUS(result.status) != 0);
  EXPECT_NE(result.output.find("--web-root /nonexistent/web"), std::string::npos) << result.output;
}

}  // namespace chatd::testing
