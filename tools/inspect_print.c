/* `tandem inspect` output: a package (after an inspect-mode parse) or a single MCUboot image, as text or
 * JSON (tools/inspect_print.h).
 * Owns: the wording and JSON keys of inspect. Never: decides validity itself (results come from pkg/). */
#include <string.h>

#include "inspect_print.h"
#include "tandem/err.h"
#include "tandem/host_crypto.h"

static const char *res(int err)
{
    return err < 0 ? tdm_errname(err) : err > 0 ? "not checked" : "ok";
}

static const char *comp_name(uint8_t id)
{
    return id == TDM_PKG_COMP_APP ? "app" : id == TDM_PKG_COMP_NET ? "net" : "other";
}

static const char *tlv_name(uint16_t t)
{
    switch (t) {
    case TDM_MCUBOOT_TLV_KEYHASH:
        return "KEYHASH";
    case TDM_MCUBOOT_TLV_PUBKEY:
        return "PUBKEY";
    case TDM_MCUBOOT_TLV_SHA256:
        return "SHA256";
    case TDM_MCUBOOT_TLV_ECDSA_SIG:
        return "ECDSA_SIG";
    case TDM_MCUBOOT_TLV_DEPENDENCY:
        return "DEPENDENCY";
    case TDM_MCUBOOT_TLV_SEC_CNT:
        return "SEC_CNT";
    case 0x60:
        return "BOOT_RECORD";
    default:
        return "other";
    }
}

void tdm_print_package(FILE *out, const uint8_t *buf, size_t len, const struct tdm_pkg_parser *p, int err,
                       int json, int keyed)
{
    const char *sig = keyed ? res(p->m.sig_err) : "not checked (no --key)";
    const struct tdm_pkg_manifest *m = &p->m;
    char v1[32], v2[32], hx[65], hy[65];
    (void)buf;
    int manifest_ok = p->state >= TDM_PKG_PH_COMPONENTS; /* the parse got past the signature block */
    if (json) {
        fprintf(out, "{\"kind\":\"package\",\"size\":%zu,\"result\":\"%s\"", len, res(err));
        if (manifest_ok) {
            fprintf(out,
                    ",\"format\":\"%u.%u\",\"set_version\":\"%s\",\"security_counter\":%lu,\"hw_id\":%lu,"
                    "\"min_bootloader\":\"%s\",\"total_size\":%lu,\"key_id\":\"%s\",\"signature\":\"%s\","
                    "\"policy\":\"%s\",\"note\":\"",
                    m->format_major, m->format_minor, tdm_version_str(&m->set_version, v1),
                    (unsigned long)m->sec_counter, (unsigned long)m->hw_id, tdm_version_str(&m->min_bootloader, v2),
                    (unsigned long)m->total_size, tdm_hex(m->key_id, 32, hx), sig, res(m->policy_err));
            for (unsigned i = 0; i < m->note_len; i++) {
                char ch = m->note[i];
                fprintf(out, (ch == '"' || ch == '\\') ? "\\%c" : (ch < 32 ? "?" : "%c"), ch);
            }
            fprintf(out, "\",\"components\":[");
            for (unsigned i = 0; i < m->count; i++) {
                const struct tdm_pkg_component *c = &m->comp[i];
                fprintf(out,
                        "%s{\"id\":%u,\"name\":\"%s\",\"slot\":%u,\"flags\":%u,\"offset\":%lu,\"size\":%lu,"
                        "\"load_addr\":%lu,\"version\":\"%s\",\"image_hash\":\"%s\",\"tlv_hash\":\"%s\","
                        "\"header_size\":%u,\"checked\":%s,\"digest\":\"%s\",\"image_signature\":\"%s\"}",
                        i ? "," : "", c->id, comp_name(c->id), c->slot, c->flags, (unsigned long)c->offset,
                        (unsigned long)c->size, (unsigned long)c->load_addr, tdm_version_str(&c->version, v1),
                        tdm_hex(c->hash, 32, hx), tdm_hex(c->tlv_hash, 32, hy), c->hdr_size,
                        c->done || c->err ? "true" : "false", res(c->err),
                        !keyed ? "not checked (no --key)" : c->done ? res(c->image_sig_err) : "not checked");
            }
            fprintf(out, "]");
        }
        fprintf(out, "}\n");
        return;
    }
    fprintf(out, "tandem package, %zu bytes: %s%s%s\n", len, err < 0 ? tdm_errname(err) : "all checks pass",
            err < 0 ? " - " : "", err < 0 ? tdm_strerror(err) : "");
    if (!manifest_ok) {
        return;
    }
    fprintf(out, "  format            %u.%u\n", m->format_major, m->format_minor);
    fprintf(out, "  set version       %s\n", tdm_version_str(&m->set_version, v1));
    fprintf(out, "  security counter  %lu\n", (unsigned long)m->sec_counter);
    fprintf(out, "  hardware id       0x%08lx\n", (unsigned long)m->hw_id);
    fprintf(out, "  min bootloader    %s\n", tdm_version_str(&m->min_bootloader, v1));
    if (m->note_len) {
        fprintf(out, "  note              %.*s\n", m->note_len, m->note);
    }
    fprintf(out, "  total size        %lu (manifest %lu bytes)\n", (unsigned long)m->total_size,
            (unsigned long)m->manifest_len);
    fprintf(out, "  key id            %s\n", tdm_hex(m->key_id, 32, hx));
    fprintf(out, "  signature         %s\n", sig);
    fprintf(out, "  policy            %s\n", res(m->policy_err));
    for (unsigned i = 0; i < m->count; i++) {
        const struct tdm_pkg_component *c = &m->comp[i];
        fprintf(out, "  component %u (%s): offset %lu, size %lu, slot %u, load 0x%08lx, version %s\n", c->id,
                comp_name(c->id), (unsigned long)c->offset, (unsigned long)c->size, c->slot,
                (unsigned long)c->load_addr, tdm_version_str(&c->version, v1));
        fprintf(out, "    image hash      %s\n", tdm_hex(c->hash, 32, hx));
        fprintf(out, "    tlv hash        %s\n", tdm_hex(c->tlv_hash, 32, hx));
        if (c->done || c->err) {
            fprintf(out, "    mcuboot header  0x%x bytes, hashed %lu bytes%s\n", c->hdr_size,
                    (unsigned long)c->hashed_len, c->has_sec_cnt ? "" : ", no SEC_CNT");
            fprintf(out, "    digests         %s\n", res(c->err));
            fprintf(out, "    image signature %s\n",
                    !keyed ? "not checked (no --key)" : c->done ? res(c->image_sig_err) : "not checked");
        } else {
            fprintf(out, "    not checked (parse stopped before it)\n");
        }
    }
}

struct tlv_list {
    FILE *out;
    int json;
    int n;
};

static void print_tlv(void *ctx, int prot, uint16_t type, uint32_t off, const uint8_t *val, uint16_t len)
{
    struct tlv_list *l = ctx;
    char hx[2 * 96 + 1];
    size_t show = len > 96 ? 96 : len;
    if (l->json) {
        fprintf(l->out, "%s{\"type\":%u,\"name\":\"%s\",\"protected\":%s,\"offset\":%lu,\"len\":%u,\"value\":\"%s\"}",
                l->n ? "," : "", type, tlv_name(type), prot ? "true" : "false", (unsigned long)off, len,
                tdm_hex(val, show, hx));
    } else {
        fprintf(l->out, "    0x%04x %-11s %s off %-7lu len %-4u %s%s\n", type, tlv_name(type),
                prot ? "prot  " : "unprot", (unsigned long)off, len, tdm_hex(val, show > 32 ? 32 : show, hx),
                show > 32 ? "..." : "");
    }
    l->n++;
}

void tdm_print_image(FILE *out, const uint8_t *buf, size_t len, const struct tdm_key *key, int json)
{
    struct tdm_crypto_ops o = tdm_host_crypto();
    struct tdm_mcuboot_image img;
    uint8_t hash[TDM_SHA256_LEN];
    char v[32], hx[65];
    memset(&img, 0, sizeof img);
    memset(hash, 0, sizeof hash);
    int verr = len > UINT32_MAX ? TDM_E_PKG_TOO_BIG : tdm_mcuboot_verify(&o, buf, (uint32_t)len, &img, hash);
    int serr = TDM_E_PKG_UNSIGNED;
    if (verr == 0 && key) {
        uint8_t kh[1][TDM_SHA256_LEN];
        tdm_key_id(key, kh[0]);
        serr = tdm_mcuboot_check_sig(&o, &img, hash, (const uint8_t(*)[TDM_P256_PUBKEY_LEN])key->pub,
                                     (const uint8_t(*)[TDM_SHA256_LEN])kh, 1);
    }
    int structured = img.total_len != 0;
    if (json) {
        fprintf(out, "{\"kind\":\"mcuboot\",\"size\":%zu,\"result\":\"%s\"", len, res(verr));
        if (structured) {
            fprintf(out,
                    ",\"load_addr\":%lu,\"header_size\":%u,\"protected_tlv_size\":%u,\"image_size\":%lu,"
                    "\"flags\":%lu,\"version\":\"%s\",\"hash\":\"%s\",\"signature\":\"%s\",\"tlvs\":[",
                    (unsigned long)img.hdr.load_addr, img.hdr.hdr_size, img.hdr.prot_size,
                    (unsigned long)img.hdr.img_size, (unsigned long)img.hdr.flags,
                    tdm_version_str(&img.hdr.version, v), tdm_hex(hash, 32, hx),
                    key ? res(serr) : "not checked");
            struct tlv_list l = {out, 1, 0};
            tdm_mcuboot_parse_tlvs(&img.hdr, buf + img.hdr.hdr_size + img.hdr.img_size,
                                   img.total_len - img.hdr.hdr_size - img.hdr.img_size, &img, print_tlv, &l);
            fprintf(out, "]");
        }
        fprintf(out, "}\n");
        return;
    }
    fprintf(out, "MCUboot image, %zu bytes: hash %s\n", len, verr < 0 ? tdm_errname(verr) : "ok");
    if (!structured) {
        return;
    }
    fprintf(out, "  load address      0x%08lx\n", (unsigned long)img.hdr.load_addr);
    fprintf(out, "  header size       0x%x\n", img.hdr.hdr_size);
    fprintf(out, "  image size        %lu\n", (unsigned long)img.hdr.img_size);
    fprintf(out, "  protected TLVs    %u bytes\n", img.hdr.prot_size);
    fprintf(out, "  flags             0x%08lx\n", (unsigned long)img.hdr.flags);
    fprintf(out, "  version           %s\n", tdm_version_str(&img.hdr.version, v));
    if (img.has_sec_cnt) {
        fprintf(out, "  security counter  %lu\n", (unsigned long)img.sec_cnt);
    }
    fprintf(out, "  computed hash     %s\n", tdm_hex(hash, 32, hx));
    fprintf(out, "  SHA256 TLV        %s\n", res(verr));
    fprintf(out, "  signature         %s\n", key ? res(serr) : (img.sig ? "present, not checked (no --key)" : "none"));
    fprintf(out, "  TLVs (%u):\n", img.tlv_count);
    struct tlv_list l = {out, 0, 0};
    tdm_mcuboot_parse_tlvs(&img.hdr, buf + img.hdr.hdr_size + img.hdr.img_size,
                           img.total_len - img.hdr.hdr_size - img.hdr.img_size, &img, print_tlv, &l);
}
