/* libFuzzer target for devices/sanitize's reply parsers: the first byte
 * picks the parser (NVMe Identify Controller, namespace list, Sanitize
 * Status log; ATA IDENTIFY DEVICE, DEVICE CONFIGURATION IDENTIFY, the ATA
 * return in sense data; SCSI REPORT SUPPORTED OPERATION CODES; and the
 * replies the firmware commands poll: the ATA registers and SANITIZE STATUS
 * EXT read from them, REQUEST SENSE after a SCSI SANITIZE, the Sanitize
 * Status log as a poll), the rest is the drive's reply. Checks what callers rely on: a failed parse leaves the
 * caps untouched, a successful one yields only known method bits, and the
 * JSON and summary can always be made. Built with -Dfuzz=true (clang); the
 * normal build replays tests/fuzz/corpus-sanitize through it (replay-sanitize). */
#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "sanitize.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The pollers' parsers: a failed parse leaves *ret as it was and says
 * why; a successful one gives a known state, a fraction in 0..1 (or < 0
 * unknown) and what the drive reported. */
static int poll_one(unsigned which, const uint8_t *buf, size_t n) {
        struct sanitize_poll p = { .state = 77 }, before = p;
        struct sanitize_ata_regs regs = { .error = 0xee }, rbefore = regs;
        int r;
        if (which == 7) {
                r = sanitize_parse_ata_regs(buf, n, &regs);
                if (r < 0) {
                        if (memcmp(&regs, &rbefore, sizeof regs) != 0 || isempty(err_msg())) __builtin_trap();
                        return 0;
                }
                if (regs.lba >> 48) __builtin_trap();
                r = sanitize_parse_ata_sanitize_status(&regs, &p);
        } else if (which == 8) {
                r = sanitize_parse_scsi_sanitize_sense(buf, n, &p);
        } else {
                r = sanitize_parse_nvme_sanitize_poll(buf, n, &p);
        }
        if (r < 0) {
                if (memcmp(&p, &before, sizeof p) != 0 || isempty(err_msg())) __builtin_trap();
                return 0;
        }
        if (p.state > SANITIZE_STATE_FAILED || p.fraction > 1 || !json_is_object(p.reported)) __builtin_trap();
        _cleanup_free_ char *s = json_canonical(p.reported);
        if (!s) __builtin_trap();
        sanitize_poll_done(&p);
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (size < 1) return 0;
        unsigned which = data[0] % 10;
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
        case 6: r = sanitize_parse_scsi_rsoc(buf, n, &yes); break;
        default: return poll_one(which, buf, n);
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
