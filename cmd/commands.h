/* Handlers and sub-command tables of each command group, one file each. */
#pragma once

#include "cmd.h"

int cmd_init(struct ctx *ctx, int argc, char **argv);
int cmd_demo(struct ctx *ctx, int argc, char **argv);
struct label_args {
        bool all, list_sheets;
        const char *status, *location, *sheet, *output, *skip, *offset_x, *offset_y, *png, *svg, *width, *height, *dpi;
        const char *media, *raster, *model, *ecc, *url_template;
        struct opt_optarg printer;
};
extern const struct opt label_opts[];
int cmd_label(struct ctx *ctx, int argc, char **argv);
int cmd_printers(struct ctx *ctx, int argc, char **argv);
int cmd_wipe(struct ctx *ctx, int argc, char **argv);
/* wipe list, show, verify: rows of the wipe group in main.c. */
int wipe_list_cmd(struct ctx *ctx, int argc, char **argv);
int wipe_show_cmd(struct ctx *ctx, int argc, char **argv);
int wipe_verify_cmd(struct ctx *ctx, int argc, char **argv);
struct wipe_args {
        const char *method, *passes, *verify, *asset, *progress, *threads, *key, *pass_file, *key_dir;
        bool yes, no_certificate;
        struct opt_list serial;
        /* firmware methods (issue 11) */
        bool remove_hpa, allow_hpa, restore_dco, then_overwrite;
        struct opt_list also_namespace;
        const char *timeout, *overwrite_pattern, *overwrite_passes;
};
struct wipe_list_args {
        const char *asset;
        enum out_format fmt;
};
struct wipe_verify_args {
        const char *pattern, *record, *sample;
        enum out_format fmt;
};
extern const struct opt wipe_run_opts[], wipe_list_opts[], wipe_verify_opts[];
/* The words after `wipe` that name its read-only sub-commands (list, show,
 * verify), NULL-terminated: refused as a device name anywhere else. */
extern const char *const wipe_subverbs[];
/* init and demo: their options, read by the rows in main.c. */
struct init_args {
        const char *school, *tag_prefix;
};
extern const struct opt init_opts[];
struct demo_args {
        bool keep, fast, trust;
};
extern const struct opt demo_opts[];
struct devices_args {
        bool all, watch;
        enum out_format fmt;
        const char *count, *timeout, *source, *reg;
};
struct usb_args {
        bool unregistered;
        enum out_format fmt;
};
extern const struct opt devices_opts[], usb_opts[];
int cmd_devices(struct ctx *ctx, int argc, char **argv);
int cmd_usb(struct ctx *ctx, int argc, char **argv);
extern const struct command asset_commands[];
extern const struct command person_commands[];
extern const struct command audit_commands[];
/* Issue 3: loans, scan mode, stock-takes, incidents, lost property, checks, reports. */
struct loan_issue_args {
        const char *due, *condition, *override, *receipt;
};
struct loan_return_args {
        const char *condition, *damaged, *all;
        bool expect;
};
struct loan_receipt_args {
        const char *output;
};
extern const struct opt loan_issue_opts[], loan_return_opts[], loan_receipt_opts[];
int cmd_issue(struct ctx *ctx, int argc, char **argv);
int cmd_return(struct ctx *ctx, int argc, char **argv);
int cmd_receipt(struct ctx *ctx, int argc, char **argv);
struct scan_args {
        const char *mode, *stocktake, *due, *bell;
        bool timing;
};
extern const struct opt scan_opts[];
int cmd_scan(struct ctx *ctx, int argc, char **argv);
struct found_args {
        const char *notes;
};
extern const struct opt found_opts[];
int cmd_found(struct ctx *ctx, int argc, char **argv);
struct sign_aup_args {
        const char *date, *version;
        bool clear;
};
extern const struct opt sign_aup_opts[];
int cmd_person_sign_aup(struct ctx *ctx, int argc, char **argv);
struct leaving_args {
        const char *date;
        bool clear;
};
extern const struct opt leaving_opts[];
int cmd_person_leaving(struct ctx *ctx, int argc, char **argv);
int cmd_person_badge(struct ctx *ctx, int argc, char **argv);
extern const struct command stocktake_commands[];
extern const struct command incident_commands[];
extern const struct command lostprop_commands[];
extern const struct command check_commands[];
extern const struct command report_commands[];
/* asset|person import FILE and export (cmd-import.c), run with ctx->args
 * parsed by these tables; kind is enum import_kind. */
struct import_args {
        bool dry_run;
        struct opt_list status_map;
        bool allow_missing_serial;
        const char *date_format, *encoding;
};
extern const struct opt asset_import_opts[], person_import_opts[];
int cmd_import_run(struct ctx *ctx, const char *file, int kind);
struct export_args {
        const char *format, *out;
        enum out_format fmt;
};
extern const struct opt export_opts[];
int cmd_export_run(struct ctx *ctx, int kind);
/* issue 7: keys, disposal, consignments, certificates, the disposal register */
extern const struct command key_commands[];
extern const struct command disposal_commands[];
extern const struct command consignment_commands[];
extern const struct command cert_commands[];
struct report_disposals_args {
        const char *from, *to, *pdf;
        bool all_schools;
        enum out_format fmt;
};
extern const struct opt report_disposals_opts[];
int cmd_report_disposals(struct ctx *ctx, int argc, char **argv);
/* issue 14: the paperwork (cmd-paperwork.c) */
extern const struct command firm_commands[];
extern const struct command setting_commands[];
extern const struct command trust_commands[];
/* cols with a first column SCHOOL (a report across a trust's schools):
 * malloc'd, cols' entries shared. */
struct column *school_columns(const struct column *cols);
struct classify_args {
        const char *ewc;
};
extern const struct opt disposal_classify_opts[];
int cmd_disposal_classify(struct ctx *ctx, int argc, char **argv);
struct disposal_accounts_args {
        const char *funding, *proceeds;
};
extern const struct opt disposal_accounts_opts[];
int cmd_disposal_accounts(struct ctx *ctx, int argc, char **argv);
struct signer;
/* The options of every signing command: T has const char *key, *pass_file,
 * *key_dir; KEYHELP says what the key is for. */
#define OPTS_SIGNER(T, KEYHELP) \
        OPT_STRING("key", 0, "NAME", KEYHELP, T, key), \
        OPT_STRING_SECRET("passphrase-file", 0, "F", "its passphrase from the first line of F (else asked on the terminal)", T, pass_file), \
        OPT_STRING("key-dir", 0, "D", "where key files live (default: keys/ beside the register)", T, key_dir)
/* FILE.json -> FILE.sig; anything else -> FILE.sig appended. */
char *cmd_sig_path_for(const char *path);
/* Write a stored signed document into dir: ID.json (doc), ID.sig (the
 * signature, from hex) and, when pdf, ID.pdf. */
int cmd_export_signed(const char *dir, const char *id, const char *doc, const char *sighex, const void *pdf, size_t pdf_len);
/* Export one certificate (json, sig, pdf) into dir. */
int cmd_cert_export_to(struct ctx *ctx, const char *cert_id, const char *dir);
/* A passphrase from FILE, else asked on the terminal (twice when confirm). */
int cmd_passphrase(const char *file, bool confirm, const char *key_name, char **ret);
/* Unlock registered key NAME for signing (asks for its passphrase). */
int cmd_open_signer(struct ctx *ctx, const char *name, const char *key_dir, const char *pass_file, struct signer **ret);
/* audit checkpoint; and the checkpoint part of audit verify (prints a line,
 * returns 0, or the exit status of a failure). */
struct checkpoint_args {
        const char *key, *pass_file, *key_dir, *out;
};
extern const struct opt checkpoint_opts[];
int cmd_audit_checkpoint(struct ctx *ctx, int argc, char **argv);
int cmd_audit_checkpoints(struct ctx *ctx, const char *pub_path, const char *file);
