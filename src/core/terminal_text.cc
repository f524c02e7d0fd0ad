#include "core/terminal_text.h"

namespace respec {
namespace {

// Length of the escape sequence starting at text[i] (text[i] == ESC).
size_t EscapeLength(std::string_view text, size_t i) {
  size_t k = i + 1;
  if (k >= text.size()) return 1;
  char kind = text[k++];
  if (kind == '[') {  // CSI: parameters and intermediates, then a final byte 0x40..0x7E
    while (k < text.size() && (static_cast<unsigned char>(text[k]) < 0x40 || static_cast<unsigned char>(text[k]) > 0x7E))
      ++k;
    return (k < text.size() ? k + 1 : k) - i;
  }
  if (kind == ']' || kind == 'P' || kind == '^' || kind == '_' || kind == 'X') {  // OSC, DCS, PM, APC, SOS: up to BEL or ST
    while (k < text.size()) {
      if (text[k] == '\a') return k + 1 - i;
      if (text[k] == '\x1b' && k + 1 < text.size() && text[k + 1] == '\\') return k + 2 - i;
      ++k;
    }
    return k - i;
  }
  return k - i;  // two-byte escape (ESC c, ESC 7, ...)
}

// Length of the UTF-8 sequence at text[i], or 0 when it is not valid UTF-8.
size_t Utf8Length(std::string_view text, size_t i) {
  unsigned char c = static_cast<unsigned char>(text[i]);
  size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
  if (n == 0 || i + n > text.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return 0;
  unsigned char c1 = static_cast<unsigned char>(text[i + 1]);
  if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F) || (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F))
    return 0;  // overlong, surrogate or beyond U+10FFFF
  return n;
}

}  // namespace

std::string ForTerminal(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == 0x1b) {
      i += EscapeLength(text, i);
    } else if (c == '\t' || c == '\n' || c == '\r') {
      out += ' ';
      ++i;
    } else if (c < 0x20 || c == 0x7f) {
      ++i;
    } else if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
    } else if (size_t n = Utf8Length(text, i); n == 0) {
      out += '?';
      ++i;
    } else {
      bool c1_control = n == 2 && c == 0xC2 && static_cast<unsigned char>(text[i + 1]) <= 0x9F;
      if (!c1_control) out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

}  // namespace respec
