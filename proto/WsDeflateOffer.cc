#include "proto/WsDeflateOffer.h"

#include <array>
#include <vector>

#include "proto/HttpRequest.h"

namespace chatd::proto {

namespace {

struct Param {
  std::string_view name;
  std::optional<std::string> value;  // unquoted
};

struct Offer {
  std::string_view name;
  std::vector<Param> params;
};

// tchar (RFC 7230 §3.2.6).
bool isTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// HTAB, SP, VCHAR or obs-text: what a quoted-string may hold, escaped or not.
bool isQuotedChar(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return c == '\t' || (byte >= 0x20 && byte != 0x7F);
}

// Reads an extension list (RFC 6455 §9.1 with the list rule of RFC 7230
// §7: empty elements and optional whitespace around the separators).
class ListReader {
 public:
  explicit ListReader(std::string_view text) : text_(text) {}

  // Every offer, or nullopt at the first syntax error.
  std::optional<std::vector<Offer>> offers() {
    std::vector<Offer> offers;
    while (true) {
      skipSpace();
      if (at_ == text_.size()) return offers;
      if (peek(',')) continue;  // an empty element
      Offer offer;
      if (!token(offer.name)) return std::nullopt;
      skipSpace();
      while (peek(';')) {
        skipSpace();
        Param param;
        if (!token(param.name)) return std::nullopt;
        skipSpace();
        if (peek('=')) {
          skipSpace();
          std::string value;
          if (at_ < text_.size() && text_[at_] == '"') {
            if (!quoted(value)) return std::nullopt;
          } else {
            std::string_view bare;
            if (!token(bare)) return std::nullopt;
            value = bare;
          }
          param.value = std::move(value);
          skipSpace();
        }
        offer.params.push_back(std::move(param));
      }
      if (at_ < text_.size() && !peek(',')) return std::nullopt;
      offers.push_back(std::move(offer));
    }
  }

 private:
  void skipSpace() {
    while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\t')) ++at_;
  }

  // Takes `c` if it is next.
  bool peek(char c) {
    if (at_ == text_.size() || text_[at_] != c) return false;
    ++at_;
    return true;
  }

  bool token(std::string_view& out) {
    const size_t start = at_;
    while (at_ < text_.size() && isTokenChar(text_[at_])) ++at_;
    out = text_.substr(start, at_ - start);
    return !out.empty();
  }

  // A quoted-string, unescaped (RFC 7230 §3.2.6).
  bool quoted(std::string& out) {
    ++at_;  // the opening quote
    while (at_ < text_.size()) {
      char c = text_[at_++];
      if (c == '"') return true;
      if (c == '\\') {  // a quoted-pair
        if (at_ == text_.size()) return false;
        c = text_[at_++];
      }
      if (!isQuotedChar(c)) return false;
      out += c;
    }
    return false;  // unterminated
  }

  std::string_view text_;
  size_t at_ = 0;
};

// 8..15 written without leading zeros (RFC 7692 §7.1.2.1); 0 when not.
uint8_t windowBits(std::string_view value) {
  if (value.size() == 1 && (value[0] == '8' || value[0] == '9')) return static_cast<uint8_t>(value[0] - '0');
  if (value.size() == 2 && value[0] == '1' && value[1] >= '0' && value[1] <= '5') {
    return static_cast<uint8_t>(10 + value[1] - '0');
  }
  return 0;
}

enum ParamIndex : size_t {
  kServerNoContextTakeover,
  kClientNoContextTakeover,
  kServerMaxWindowBits,
  kClientMaxWindowBits,
  kParamCount,
};

constexpr std::array<std::string_view, kParamCount> kParamNames = {
    "server_no_context_takeover", "client_no_context_takeover", "server_max_window_bits", "client_max_window_bits"};

// The agreement for a permessage-deflate offer chatd accepts; nullopt to decline it.
std::optional<DeflateAgreement> evaluate(const Offer& offer) {
  if (!equalsIgnoreCase(offer.name, "permessage-deflate")) return std::nullopt;
  std::array<bool, kParamCount> seen = {};
  DeflateAgreement agreement;
  bool windowLimited = false;
  for (const Param& param : offer.params) {
    size_t index = 0;
    while (index < kParamCount && !equalsIgnoreCase(param.name, kParamNames[index])) ++index;
    if (index == kParamCount || seen[index]) return std::nullopt;  // unknown or repeated
    seen[index] = true;
    switch (index) {
      case kServerNoContextTakeover:
      case kClientNoContextTakeover:
        if (param.value) return std::nullopt;
        break;
      case kServerMaxWindowBits:
        if (!param.value || windowBits(*param.value) == 0) return std::nullopt;
        agreement.serverMaxWindowBits = windowBits(*param.value);
        windowLimited = true;
        break;
      default:  // kClientMaxWindowBits: a value is optional
        if (param.value && windowBits(*param.value) == 0) return std::nullopt;
        break;
    }
  }
  agreement.responseHeader = "permessage-deflate; server_no_context_takeover; client_no_context_takeover";
  if (windowLimited) agreement.responseHeader += "; server_max_window_bits=" + std::to_string(agreement.serverMaxWindowBits);
  return agreement;
}

}  // namespace

std::optional<DeflateAgreement> acceptDeflateOffer(std::span<const std::string_view> values) {
  std::string list;
  for (std::string_view value : values) {
    if (!list.empty()) list += ',';
    list += value;
  }
  const auto offers = ListReader(list).offers();
  if (!offers) return std::nullopt;
  for (const Offer& offer : *offers) {
    if (auto agreement = evaluate(offer)) return agreement;
  }
  return std::nullopt;
}

}  // namespace chatd::proto
