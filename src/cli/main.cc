// Placeholder entry point; replaced by the CLI module.
#include <cstdio>
#include "core/version.h"
int main() { std::printf("respec %s\n", respec::kVersion); return 0; }
