/* assetctl printers, and label --printer: Brother QL label printers. */
#include "commands.h"
#include "core.h"
#include "label.h"

int label_print_cmd(struct ctx *ctx, const char *dev, const char *media, const struct label_text *items, size_t n, int ecc) {
        return cmd_fail("printing to a label printer is not built yet");
}

int cmd_printers(struct ctx *ctx, int argc, char **argv) {
        return cmd_fail("listing label printers is not built yet");
}
