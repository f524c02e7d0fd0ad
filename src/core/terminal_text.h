// Text from outside respec (API messages, instance names and tags, lock
// file contents, plan file fields) made safe to print on a terminal: an
// escape sequence in an instance name must not clear the screen, move the
// cursor, set the window title or hide a line.
//
// ForTerminal removes escape sequences whole (CSI "ESC [ ... final", OSC
// "ESC ] ... BEL|ST", other "ESC x"), every other C0 control and DEL, and the
// C1 controls U+0080..U+009F (8-bit CSI is U+009B); a tab, newline or
// carriage return becomes one space, so the result is one line. Bytes that
// are not UTF-8 become '?'. Printable text, UTF-8 included, is unchanged.
// Errors: none. Threads: pure. Ownership: returns a new string.
#pragma once

#include <string>
#include <string_view>

namespace respec {

std::string ForTerminal(std::string_view text);

}  // namespace respec
