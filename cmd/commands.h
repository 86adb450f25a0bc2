/* Handlers and sub-command tables of each command group, one file each. */
#pragma once

#include "cmd.h"

int cmd_init(struct ctx *ctx, int argc, char **argv);
int cmd_demo(struct ctx *ctx, int argc, char **argv);
int cmd_label(struct ctx *ctx, int argc, char **argv);
int cmd_printers(struct ctx *ctx, int argc, char **argv);
int cmd_wipe(struct ctx *ctx, int argc, char **argv);
int cmd_devices(struct ctx *ctx, int argc, char **argv);
int cmd_usb(struct ctx *ctx, int argc, char **argv);
extern const struct command asset_commands[];
extern const struct command person_commands[];
extern const struct command audit_commands[];
/* Issue 3: loans, scan mode, stock-takes, incidents, lost property, checks, reports. */
int cmd_issue(struct ctx *ctx, int argc, char **argv);
int cmd_return(struct ctx *ctx, int argc, char **argv);
int cmd_receipt(struct ctx *ctx, int argc, char **argv);
int cmd_scan(struct ctx *ctx, int argc, char **argv);
int cmd_found(struct ctx *ctx, int argc, char **argv);
int cmd_person_sign_aup(struct ctx *ctx, int argc, char **argv);
int cmd_person_leaving(struct ctx *ctx, int argc, char **argv);
int cmd_person_badge(struct ctx *ctx, int argc, char **argv);
extern const struct command stocktake_commands[];
extern const struct command incident_commands[];
extern const struct command lostprop_commands[];
extern const struct command check_commands[];
extern const struct command report_commands[];
/* asset|person import and export (cmd-import.c); kind is enum import_kind. */
int cmd_import_run(struct ctx *ctx, int argc, char **argv, int kind);
int cmd_export_run(struct ctx *ctx, int argc, char **argv, int kind);
/* label --printer (cmd-printer.c) */
struct label_text;
int label_print_cmd(struct ctx *ctx, const char *dev, const char *media, const struct label_text *items, size_t n, int ecc);
int label_raster_cmd(struct ctx *ctx, const char *path, const char *model, const char *media, const struct label_text *items, size_t n, int ecc);
