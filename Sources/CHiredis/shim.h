#ifndef CHIREDIS_SHIM_H
#define CHIREDIS_SHIM_H
// hiredis 0.14 (Debian). Only the argv entry points are used from Swift: the
// variadic redisCommand/redisAppendCommand are never called.
#include <hiredis/hiredis.h>
#endif
