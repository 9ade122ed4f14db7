#include "proto/ByteRange.h"

#include <charconv>

#include "proto/HttpRequest.h"

namespace chatd::proto {

namespace {

std::optional<uint64_t> number(std::string_view text) {
  uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

RangeAnswer parseRange(std::optional<std::string_view> header, uint64_t size) {
  using Kind = RangeAnswer::Kind;
  constexpr std::string_view kUnit = "bytes=";
  if (!header || header->size() <= kUnit.size() || !equalsIgnoreCase(header->substr(0, kUnit.size()), kUnit)) return {};
  const std::string_view spec = trimWhitespace(header->substr(kUnit.size()));
  const size_t dash = spec.find('-');
  if (dash == std::string_view::npos || spec.find(',') != std::string_view::npos) return {};
  const std::string_view from = spec.substr(0, dash);
  const std::string_view to = spec.substr(dash + 1);
  if (from.empty()) {  // a suffix: the last N bytes
    const auto suffix = number(to);
    if (!suffix) return {};
    if (*suffix == 0 || size == 0) return {Kind::kUnsatisfiable};
    return {Kind::kPart, *suffix >= size ? 0 : size - *suffix, size - 1};
  }
  const auto first = number(from);
  const auto last = to.empty() ? std::optional<uint64_t>(UINT64_MAX) : number(to);
  if (!first || !last || *last < *first) return {};
  if (*first >= size) return {Kind::kUnsatisfiable};
  return {Kind::kPart, *first, *last < size ? *last : size - 1};
}

}  // namespace chatd::proto
