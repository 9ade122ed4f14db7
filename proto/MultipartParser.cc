#include "proto/MultipartParser.h"

#include <cstring>

#include "proto/HttpRequest.h"

namespace chatd::proto {

namespace {

// RFC 2046 §5.1.1: bcharsnospace, plus the space (not last).
bool boundaryChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         std::strchr("'()+_,-./:=? ", c) != nullptr;
}

char lowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// The parameters of a header value after its first item ("form-data; a=b; c=\"d\""):
// calls `param(name, value)` for each, name lower-cased, quoted strings unescaped.
// False when malformed.
template <typename Param>
bool eachParam(std::string_view value, Param param) {
  size_t pos = value.find(';');
  while (pos != std::string_view::npos && pos < value.size()) {
    ++pos;  // past ';'
    while (pos < value.size() && (value[pos] == ' ' || value[pos] == '\t')) ++pos;
    if (pos == value.size()) break;
    const size_t eq = value.find('=', pos);
    if (eq == std::string_view::npos) return false;
    std::string name(trimWhitespace(value.substr(pos, eq - pos)));
    for (char& c : name) c = lowerAscii(c);
    pos = eq + 1;
    while (pos < value.size() && (value[pos] == ' ' || value[pos] == '\t')) ++pos;
    std::string text;
    if (pos < value.size() && value[pos] == '"') {
      for (++pos; pos < value.size() && value[pos] != '"'; ++pos) {
        if (value[pos] == '\\' && pos + 1 < value.size()) ++pos;
        text.push_back(value[pos]);
      }
      if (pos == value.size()) return false;  // no closing quote
      pos = value.find(';', pos + 1);
    } else {
      const size_t end = value.find(';', pos);
      text = trimWhitespace(value.substr(pos, end == std::string_view::npos ? end : end - pos));
      pos = end;
    }
    param(name, std::move(text));
  }
  return true;
}

// An RFC 5987 ext-value in UTF-8 ("UTF-8''na%C3%AFve.txt"); nullopt for another charset.
std::optional<std::string> decodeExtValue(std::string_view value) {
  const size_t quote = value.find('\'');
  if (quote == std::string_view::npos || !equalsIgnoreCase(value.substr(0, quote), "utf-8")) return std::nullopt;
  const size_t second = value.find('\'', quote + 1);
  if (second == std::string_view::npos) return std::nullopt;
  return percentDecode(value.substr(second + 1), false);
}

}  // namespace

std::optional<std::string> MultipartParser::boundaryOf(std::string_view contentType) {
  if (!equalsIgnoreCase(mediaTypeOf(contentType), "multipart/form-data")) return std::nullopt;
  std::optional<std::string> boundary;
  const bool wellFormed = eachParam(contentType, [&](const std::string& name, std::string value) {
    if (name == "boundary") boundary = std::move(value);
  });
  if (!wellFormed || !boundary || boundary->empty() || boundary->size() > 70 || boundary->back() == ' ') {
    return std::nullopt;
  }
  for (char c : *boundary) {
    if (!boundaryChar(c)) return std::nullopt;
  }
  return boundary;
}

std::optional<MultipartPart> parsePartHeaders(std::string_view block) {
  MultipartPart part;
  bool formData = false;
  while (!block.empty()) {
    const size_t eol = block.find("\r\n");
    const std::string_view line = block.substr(0, eol);
    block.remove_prefix(eol == std::string_view::npos ? block.size() : eol + 2);
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return std::nullopt;
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = trimWhitespace(line.substr(colon + 1));
    if (equalsIgnoreCase(name, "content-type")) {
      part.contentType = value;
    } else if (equalsIgnoreCase(name, "content-disposition")) {
      if (!equalsIgnoreCase(trimWhitespace(value.substr(0, value.find(';'))), "form-data")) return std::nullopt;
      formData = true;
      std::optional<std::string> extended;
      const bool wellFormed = eachParam(value, [&](const std::string& param, std::string text) {
        if (param == "name") part.name = std::move(text);
        if (param == "filename") part.filename = std::move(text);
        if (param == "filename*") extended = decodeExtValue(text);
      });
      if (!wellFormed) return std::nullopt;
      if (extended) part.filename = std::move(extended);
    }
  }
  if (!formData) return std::nullopt;
  return part;
}

MultipartParser::MultipartParser(std::string_view boundary, size_t maxHeaderBytes)
    : delimiter_("\r\n--" + std::string(boundary)),
      // The first delimiter may open the body: as if a CRLF came before it.
      matched_(2),
      maxHeaderBytes_(maxHeaderBytes) {}

MultipartParser::Status MultipartParser::fail(const char* reason) {
  error_ = reason;
  state_ = State::kEpilogue;
  return status_ = Status::kError;
}

// The delimiter's CR occurs in it only first (a boundary holds no CR), so a
// mismatch restarts the match at the byte that broke it.
size_t MultipartParser::scan(std::string_view bytes, size_t pos, MultipartSink* sink) {
  while (pos < bytes.size()) {
    if (matched_ == 0) {
      const void* cr = std::memchr(bytes.data() + pos, '\r', bytes.size() - pos);
      const size_t end = cr ? static_cast<size_t>(static_cast<const char*>(cr) - bytes.data()) : bytes.size();
      if (sink && end > pos) sink->onPartData(bytes.substr(pos, end - pos));
      pos = end;
      if (!cr) return pos;
    }
    if (bytes[pos] == delimiter_[matched_]) {
      ++pos;
      if (++matched_ == delimiter_.size()) {
        matched_ = 0;
        state_ = State::kDelimiterTail;
        return pos;
      }
    } else {
      if (sink) sink->onPartData(std::string_view(delimiter_).substr(0, matched_));
      matched_ = 0;
    }
  }
  return pos;
}

bool MultipartParser::headerByte(char c, MultipartSink& sink) {
  headers_.push_back(c);
  if (headers_.size() > maxHeaderBytes_) {
    fail("part header block too large");
    return false;
  }
  const bool empty = headers_ == "\r\n";
  if (!empty && !headers_.ends_with("\r\n\r\n")) return true;
  const auto part = parsePartHeaders(std::string_view(headers_).substr(0, empty ? 0 : headers_.size() - 4));
  if (!part) {
    fail("malformed part headers");
    return false;
  }
  state_ = State::kBody;
  sink.onPartBegin(*part);
  return true;
}

MultipartParser::Status MultipartParser::feed(std::string_view bytes, MultipartSink& sink) {
  size_t pos = 0;
  while (pos < bytes.size() && status_ == Status::kMore) {
    switch (state_) {
      case State::kPreamble:
        pos = scan(bytes, pos, nullptr);
        break;
      case State::kBody:
        pos = scan(bytes, pos, &sink);
        if (state_ == State::kDelimiterTail) sink.onPartEnd();
        break;
      case State::kDelimiterTail: {
        const char c = bytes[pos++];
        if (c == '-') {
          state_ = State::kClosingDash;
        } else if (c == '\r') {
          state_ = State::kDelimiterLf;
        } else if (c != ' ' && c != '\t') {
          return fail("junk after a boundary delimiter");
        }
        break;
      }
      case State::kClosingDash:
        if (bytes[pos++] != '-') return fail("junk after a boundary delimiter");
        state_ = State::kEpilogue;
        status_ = Status::kDone;
        break;
      case State::kDelimiterLf:
        if (bytes[pos++] != '\n') return fail("CR without LF after a boundary delimiter");
        headers_.clear();
        state_ = State::kHeaders;
        break;
      case State::kHeaders:
        if (!headerByte(bytes[pos++], sink)) return status_;
        break;
      case State::kEpilogue:
        pos = bytes.size();
        break;
    }
  }
  return status_;
}

}  // namespace chatd::proto
