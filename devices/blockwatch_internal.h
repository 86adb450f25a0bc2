/* devices/blockwatch's message parser, for its fuzz target
 * (tests/fuzz/fuzz-devices.c); not for other callers. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Parse one uevent message of n bytes (buf[n] must be 0, as the receiver
 * leaves it): a libudev monitor message (header, then NUL-separated
 * KEY=VALUE properties) or, when from_kernel (the sender's port is 0), a
 * kernel one ("action@devpath", then the properties). Returns 1 for a block
 * device's event with its number and name (NULL, or without "/dev/"; it
 * points into buf), 0 for a message to skip. */
int blockwatch_parse_uevent(const char *buf, size_t n, bool from_kernel, dev_t *ret_devnum, const char **ret_name);
