/* libFuzzer target for devices/sanitize's reply parsers: the first byte
 * picks the parser (NVMe Identify Controller, namespace list, Sanitize
 * Status log; ATA IDENTIFY DEVICE, DEVICE CONFIGURATION IDENTIFY, the ATA
 * return in sense data; SCSI REPORT SUPPORTED OPERATION CODES), the rest is
 * the drive's reply. Checks what callers rely on: a failed parse leaves the
 * caps untouched, a successful one yields only known method bits, and the
 * JSON and summary can always be made. A first byte of F0h and above picks
 * the run path's status parsers instead (the registers of an ATA return,
 * SANITIZE STATUS EXT, REQUEST SENSE during a SCSI SANITIZE, the Sanitize
 * Status log as polled): a parse either fails with a message or gives a
 * known state and a fraction within 0..1. Built with -Dfuzz=true (clang); the
 * normal build replays tests/fuzz/corpus-sanitize through it (replay-sanitize). */
#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "sanitize.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_path(unsigned which, const uint8_t *buf, size_t n) {
        struct sanitize_poll p = {0};
        struct sanitize_ata_regs regs;
        int r;
        switch (which) {
        case 0:
        case 1:
                r = sanitize_parse_ata_regs(buf, n, &regs);
                if (r == 0 && which == 1) r = sanitize_parse_ata_sanitize_status(&regs, &p);
                else if (r == 0) return 0;
                break;
        case 2: r = sanitize_parse_scsi_sanitize_sense(buf, n, &p); break;
        default: r = sanitize_parse_nvme_sanitize_poll(buf, n, &p); break;
        }
        if (r < 0) {
                if (isempty(err_msg()) || p.reported) __builtin_trap();
                return 0;
        }
        if (p.state > SANITIZE_STATE_FAILED || p.fraction > 1.0 || !p.reported) __builtin_trap();
        sanitize_poll_done(&p);
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (size < 1) return 0;
        if (data[0] >= 0xf0) return run_path(data[0] & 3, data + 1, size - 1);
        unsigned which = data[0] % 7;
        const uint8_t *buf = data + 1;
        size_t n = size - 1;
        struct sanitize_caps c = { 0 }, before;
        c.hpa.native_max_sectors = 1000; /* the DCO parser compares against it */
        before = c;
        int r = 0;
        uint64_t lba = 0;
        bool yes = false;
        switch (which) {
        case 0: r = sanitize_parse_nvme_id_ctrl(buf, n, &c); break;
        case 1: r = sanitize_parse_nvme_ns_list(buf, n, &c); break;
        case 2: r = sanitize_parse_nvme_sanitize_log(buf, n, &c); break;
        case 3: r = sanitize_parse_ata_identify(buf, n, &c); break;
        case 4: r = sanitize_parse_ata_dco(buf, n, &c); break;
        case 5: r = sanitize_parse_ata_return(buf, n, &lba); break;
        default: r = sanitize_parse_scsi_rsoc(buf, n, &yes); break;
        }
        if (r < 0) {
                if (memcmp(&c, &before, sizeof c) != 0) __builtin_trap();
                if (isempty(err_msg())) __builtin_trap();
                return 0;
        }
        if (c.methods >> SANITIZE_METHOD_COUNT) __builtin_trap();
        if (which == 1 && c.namespaces > SANITIZE_NVME_ID_LEN / 4) __builtin_trap();
        if (which == 5 && lba >> 48) __builtin_trap();
        if (c.frozen && !c.security.frozen) __builtin_trap();
        _cleanup_json_ json_t *o = json_object();
        sanitize_caps_to_json(&c, o);
        _cleanup_free_ char *s = json_canonical(o);
        if (!s || !sanitize_caps_summary(&c)) __builtin_trap();
        return 0;
}
