/* Test helper: run a real barcode decoder (zbarimg) over an image file and
 * hand back what it read. Shared by the label unit tests. */
#pragma once

#include <stdbool.h>

/* Run argv (argv[0] looked up in PATH) with stdout captured. Returns the
 * exit status (or -1 if it could not run) and the output in *ret_out
 * (malloc'd, NUL-terminated). */
int run_capture(char *const argv[], char **ret_out);

/* True if zbarimg is installed (tests skip otherwise). */
bool have_zbarimg(void);

/* Decode every QR code in the image at path with zbarimg --raw. Returns the
 * number of symbols, and a malloc'd array of malloc'd strings, sorted. */
int zbar_decode_file(const char *path, char ***ret_texts);
void strv_free(char **v, int n);
