/* assetctl demo: a guided walk through the job on a throwaway register. */
#include "commands.h"

int cmd_demo(struct ctx *ctx, int argc, char **argv) {
        return cmd_fail("the demo is not written yet");
}
