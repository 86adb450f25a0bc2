/* Functions the house style bans in new code (STYLE.md, rule 11). Included in
 * every translation unit by meson.build, after the system headers would be too
 * late, so it only poisons names; system headers that mention them still parse
 * because poisoning applies to later uses only. */
#pragma once
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#pragma GCC poison strcpy sprintf strtok atoi system popen
