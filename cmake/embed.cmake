# Turns a file into a C++ source defining respec::embedded::<SYMBOL> (its
# bytes, NUL-terminated) and <SYMBOL>_size, so the binary carries the
# schemas without a copy to keep in step by hand.
# Usage: cmake -DIN=/path/schemas/x.json -DNAME=schemas/x.json -DOUT=x.cc -DSYMBOL=x_json -P cmake/embed.cmake
file(READ "${IN}" content)
string(FIND "${content}" ")respec_embed\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${NAME} contains the raw-string terminator )respec_embed\"")
endif()
file(WRITE "${OUT}.tmp"
"// Generated from ${NAME} by cmake/embed.cmake at build time; do not edit.
#include <cstddef>
namespace respec::embedded {
extern const char ${SYMBOL}[];
extern const std::size_t ${SYMBOL}_size;
const char ${SYMBOL}[] = R\"respec_embed(${content})respec_embed\";
const std::size_t ${SYMBOL}_size = sizeof(${SYMBOL}) - 1;
}  // namespace respec::embedded
")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
