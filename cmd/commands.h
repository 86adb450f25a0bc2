/* Handlers and sub-command tables of each command group, one file each. */
#pragma once

#include "cmd.h"

int cmd_init(struct ctx *ctx, int argc, char **argv);
int cmd_demo(struct ctx *ctx, int argc, char **argv);
int cmd_label(struct ctx *ctx, int argc, char **argv);
int cmd_printers(struct ctx *ctx, int argc, char **argv);
int cmd_devices(struct ctx *ctx, int argc, char **argv);
int cmd_usb(struct ctx *ctx, int argc, char **argv);
extern const struct command asset_commands[];
extern const struct command person_commands[];
extern const struct command audit_commands[];
/* asset|person import and export (cmd-import.c); kind is enum import_kind. */
int cmd_import_run(struct ctx *ctx, int argc, char **argv, int kind);
int cmd_export_run(struct ctx *ctx, int argc, char **argv, int kind);
/* label --printer (cmd-printer.c) */
struct label_text;
int label_print_cmd(struct ctx *ctx, const char *dev, const char *media, const struct label_text *items, size_t n, int ecc);
int label_raster_cmd(struct ctx *ctx, const char *path, const char *model, const char *media, const struct label_text *items, size_t n, int ecc);
