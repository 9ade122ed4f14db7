// Incremental multipart/form-data parser (RFC 7578 over RFC 2046 framing).
// No I/O and no buffering of part bodies: bytes in any split, events out to
// a sink. Only a part's header block and a delimiter's first bytes are kept.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace chatd::proto {

// What a part's header block says about it.
struct MultipartPart {
  std::string name;                     // Content-Disposition's name
  std::optional<std::string> filename;  // filename* (RFC 5987, UTF-8) when given, else filename
  std::string contentType;              // as sent; empty when absent
};

class MultipartSink {
 public:
  virtual void onPartBegin(const MultipartPart& part) = 0;
  // Some of the current part's body, in order; possibly empty.
  virtual void onPartData(std::string_view bytes) = 0;
  virtual void onPartEnd() = 0;

 protected:
  ~MultipartSink() = default;
};

class MultipartParser {
 public:
  enum class Status {
    kMore,   // all bytes taken; the closing delimiter has not come yet
    kDone,   // the closing delimiter came; later bytes (the epilogue) are ignored
    kError,  // malformed: error() says why; every later feed fails too
  };

  // The boundary parameter of a multipart/form-data Content-Type; nullopt
  // when the type is another or the boundary is missing or invalid (1 to 70
  // characters of RFC 2046's bchars, not ending in a space).
  static std::optional<std::string> boundaryOf(std::string_view contentType);

  // `boundary` as boundaryOf() answers it. A part's header block longer than
  // `maxHeaderBytes` is an error.
  explicit MultipartParser(std::string_view boundary, size_t maxHeaderBytes = 8 * 1024);

  Status feed(std::string_view bytes, MultipartSink& sink);
  Status status() const { return status_; }
  const char* error() const { return error_; }

 private:
  enum class State {
    kPreamble,        // before the first delimiter
    kDelimiterTail,   // after a delimiter: "--" closes, optional blanks then CRLF open a part
    kDelimiterLf,     // a CR came after the delimiter
    kClosingDash,     // one '-' came after the delimiter
    kHeaders,         // collecting the part's header block
    kBody,            // the part's body, until the next delimiter
    kEpilogue,        // after the closing delimiter
  };
  // Matches the delimiter ("\r\n--" boundary) against `bytes` from `pos`:
  // in the body, what cannot start a delimiter goes to the sink. Returns
  // where it stopped: at the end, or just after a whole delimiter.
  size_t scan(std::string_view bytes, size_t pos, MultipartSink* sink);
  bool headerByte(char c, MultipartSink& sink);
  Status fail(const char* reason);

  std::string delimiter_;  // "\r\n--" + boundary
  size_t matched_;         // how many of the delimiter's bytes the input ends with
  size_t maxHeaderBytes_;
  std::string headers_;
  State state_ = State::kPreamble;
  Status status_ = Status::kMore;
  const char* error_ = "";
};

// The part a Content-Disposition and Content-Type describe, from a header
// block ("Name: value" lines, CRLF-separated); nullopt when malformed or it
// is not form-data.
std::optional<MultipartPart> parsePartHeaders(std::string_view block);

}  // namespace chatd::proto
