#include "spec/text_checks.h"

#include <fmt/format.h>

namespace respec {
namespace {

// Length of the UTF-8 sequence starting at text[i], or 0 if it is invalid
// (overlong forms, surrogates and code points above U+10FFFF included).
size_t Utf8SequenceLength(std::string_view text, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) return 1;
  size_t n;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  return n;
}

}  // namespace

std::optional<Diagnostic> CheckUtf8(std::string_view text) {
  int line = 1, column = 1;
  for (size_t i = 0; i < text.size();) {
    size_t n = Utf8SequenceLength(text, i);
    if (n == 0) {
      Diagnostic d;
      d.line = line;
      d.column = column;
      std::string hint;
      if (i == 0 && text.size() >= 2 &&
          ((text[0] == '\xFF' && text[1] == '\xFE') || (text[0] == '\xFE' && text[1] == '\xFF')))
        hint = " (the file looks like UTF-16; save it as UTF-8)";
      d.message = fmt::format("not valid UTF-8: byte 0x{:02X} at offset {}{}",
                              static_cast<unsigned char>(text[i]), i, hint);
      return d;
    }
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += n;
  }
  return std::nullopt;
}

std::optional<Diagnostic> CheckNesting(std::string_view text) {
  int depth = 0, line = 1;
  size_t line_start = 0;
  bool at_line_start = true;
  char quote = 0;  // ' or " while inside a quoted scalar
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (at_line_start) {
      // Block nesting: each level needs a deeper column, possibly reached
      // through compact "- ", "? " and ": " indicators on the same line.
      size_t k = i;
      while (k < text.size()) {
        if (text[k] == ' ') {
          ++k;
        } else if ((text[k] == '-' || text[k] == '?' || text[k] == ':') &&
                   (k + 1 == text.size() || text[k + 1] == ' ')) {
          k += 1;
        } else {
          break;
        }
      }
      if (quote == 0 && static_cast<int>(k - i) > kMaxIndentColumns) {
        Diagnostic d;
        d.line = line;
        d.column = 1;
        d.message = fmt::format("nesting too deep: this line is indented {} columns (at most {})",
                                k - i, kMaxIndentColumns);
        return d;
      }
      at_line_start = false;
    }
    if (c == '\n') {
      ++line;
      line_start = i + 1;
      at_line_start = true;
      continue;
    }
    if (quote == '"') {
      if (c == '\\') ++i;
      else if (c == '"') quote = 0;
      continue;
    }
    if (quote == '\'') {
      if (c == '\'') quote = 0;
      continue;
    }
    char prev = i == line_start ? ' ' : text[i - 1];
    bool after_separator = prev == ' ' || prev == '\t' || prev == '[' || prev == '{' ||
                           prev == ',' || prev == ':';
    if ((c == '"' || c == '\'') && after_separator) {
      quote = c;
    } else if (c == '#' && (prev == ' ' || prev == '\t' || i == line_start)) {
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxFlowDepth) {
        Diagnostic d;
        d.line = line;
        d.column = static_cast<int>(i - line_start) + 1;
        d.message = fmt::format("nesting too deep: more than {} levels of [ and {{", kMaxFlowDepth);
        return d;
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

}  // namespace respec
