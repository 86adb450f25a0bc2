/* Handlers and sub-command tables of each command group, one file each. */
#pragma once

#include "cmd.h"

int cmd_init(struct ctx *ctx, int argc, char **argv);
int cmd_demo(struct ctx *ctx, int argc, char **argv);
int cmd_wipe(struct ctx *ctx, int argc, char **argv);
int cmd_devices(struct ctx *ctx, int argc, char **argv);
int cmd_usb(struct ctx *ctx, int argc, char **argv);
extern const struct command asset_commands[];
extern const struct command person_commands[];
extern const struct command audit_commands[];
