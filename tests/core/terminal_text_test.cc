// core/terminal_text.h: escape sequences and control characters removed,
// printable text (UTF-8 included) kept.
#include <catch2/catch.hpp>

#include "core/terminal_text.h"

using respec::ForTerminal;

TEST_CASE("ForTerminal keeps printable text") {
  CHECK(ForTerminal("i-bp1abc web-01 (ecs.g7.large)") == "i-bp1abc web-01 (ecs.g7.large)");
  CHECK(ForTerminal("杭州 — ok") == "杭州 — ok");
  CHECK(ForTerminal("") == "");
}

TEST_CASE("ForTerminal removes escape sequences whole") {
  CHECK(ForTerminal("a\x1b[2Jb") == "ab");                 // clear screen
  CHECK(ForTerminal("a\x1b[1;31mred\x1b[0m") == "ared");   // colour
  CHECK(ForTerminal("a\x1b]0;title\x07z") == "az");        // window title (BEL)
  CHECK(ForTerminal("a\x1b]8;;http://x\x1b\\z") == "az");  // hyperlink (ST)
  CHECK(ForTerminal("a\x1b" "cz") == "az");                // reset
  CHECK(ForTerminal("tail\x1b") == "tail");
  CHECK(ForTerminal("tail\x1b[12") == "tail");
}

TEST_CASE("ForTerminal removes control characters, C1 controls and bad UTF-8") {
  CHECK(ForTerminal("a\rb\nc\td") == "a b c d");
  CHECK(ForTerminal(std::string("a\0b\x08\x7f" "c", 6)) == "abc");
  CHECK(ForTerminal("a\xc2\x9b" "2Jb") == "a2Jb");  // 8-bit CSI
  CHECK(ForTerminal("a\xff\xfe" "b") == "a??b");
  CHECK(ForTerminal("a\xe2\x82") == "a??");          // truncated sequence
}
