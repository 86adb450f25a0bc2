/* assetctl printers: the Brother QL printers connected over USB. */
#include "commands.h"
#include "core.h"

static const struct column printer_cols[] = {
        {"model", "MODEL"}, {"serial", "SERIAL"}, {"usb", "USB"}, {"mode", "MODE"}, {NULL},
};

int cmd_printers(struct ctx *ctx, int argc, char **argv) {
        enum out_format fmt = ((const struct format_args *) ctx->args)->fmt;
        _cleanup_json_ json_t *rows = NULL;
        int r = label_printers(&rows);
        if (r < 0) return cmd_fail_err(r);
        size_t n = json_array_size(rows);
        if (fmt == OUT_TABLE && n == 0) {
                puts("no Brother QL printers found on USB");
                return 0;
        }
        out_list(fmt, printer_cols, rows);
        size_t i;
        json_t *p;
        json_array_foreach(rows, i, p)
                if (fmt == OUT_TABLE && streq_ptr(json_str(p, "mode"), "editor-lite"))
                        out_printf("\n%s is in Editor Lite mode (a USB disk): hold the Editor Lite button until its light goes off to print from assetctl\n",
                                   json_str(p, "usb"));
        return 0;
}
