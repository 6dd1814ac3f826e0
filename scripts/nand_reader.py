#!/usr/bin/env python3
"""An independent reader of tandem's on-NAND store, store format 2, written from docs/STORE.md (plus the journal
payloads of docs/BOOT.md and docs/FETCH.md, and the chip file version 2 and raw spare layouts of docs/NAND.md),
never from the C code.

Owns: the store's structures; the chip file under them is scripts/nand_chip.py's. Nothing on the device: it
only reads a simulated chip file (`tandem nand create`, a device's nand.bin) of any part the simulator knows.
Never: writes the image, or trusts a byte whose CRC or digest does not match (such bytes are reported, not used).

It finds the bad-block table, the journal (latest record per type, roles, boot state, download progress) and
every committed slot, checks every CRC and each slot's SHA-256, and can extract a slot's content.

usage: nand_reader.py NAND.bin [--json] [--extract-dir DIR]
exit:  0 a store was found and every committed slot reads back intact; 1 no store, or a check failed; 2 usage
       or a file that is not a chip image.
"""
import argparse
import hashlib
import json
import sys
import zlib

sys.dont_write_bytecode = True  # no __pycache__ beside the script in the source tree
from nand_chip import Chip, NotAnImage, u16, u32  # noqa: E402

BBT_MAGIC = 0x54424254
STORE_FORMAT = 2  # the BBT record's version field: the on-NAND format version
JRN_MAGIC = 0x4E524A54
TAG_MAGIC = 0x5354
JRN_COLUMNS = 512
T_SNAPSHOT_END, T_SLOT_A, T_SLOT_B, T_ROLES = 0xFF00, 0xFF01, 0xFF02, 0xFF10
T_BOOTSTATE, T_FETCH = 0x0100, 0x0200
SLOT_STATES = {0: "empty", 1: "open", 2: "committed"}


def crc(data):
    """CRC-32/IEEE as docs/STORE.md defines it (zlib's crc32 is that CRC)."""
    return zlib.crc32(data) & 0xFFFFFFFF


def erased(b):
    return b.count(0xFF) == len(b)


# --- bad-block table -----------------------------------------------------------------------------------------

def parse_bbt(chip, buf):
    """A valid BBT record at the start of buf, or None."""
    if u32(buf, 0) != BBT_MAGIC or u16(buf, 4) != STORE_FORMAT:
        return None
    first, count, slot_blocks = u32(buf, 12), u16(buf, 16), u16(buf, 18)
    if not 8 <= count <= 256 or first + count > chip.blocks or not 1 <= slot_blocks <= 64:
        return None
    n = (count + 7) // 8
    if 28 + n + 4 > len(buf) or crc(buf[:28 + n]) != u32(buf, 28 + n):
        return None
    system = [u16(buf, 20 + 2 * i) for i in range(4)]
    if any(not first <= b < first + count for b in system):
        return None
    bitmap = buf[28:28 + n]
    bad = [first + i for i in range(count) if bitmap[i // 8] >> (i % 8) & 1]
    return {"state": {1: "formatting", 2: "ready"}.get(u16(buf, 6), "unknown(%d)" % u16(buf, 6)),
            "sequence": u32(buf, 8), "first": first, "count": count, "slot_blocks": slot_blocks,
            "bbt_blocks": system[:2], "journal_blocks": system[2:], "bad_blocks": bad}


def scan_bbt_block(chip, block):
    found = []
    for p in range(chip.ppb):
        data, _, ecc_fails = chip.page(chip.row(block, p))
        if ecc_fails:
            continue
        rec = parse_bbt(chip, data)
        if rec and rec["first"] <= block < rec["first"] + rec["count"]:
            rec["at"] = [block, p]
            found.append(rec)
    return found


def choose_bbt(chip):
    """docs/STORE.md 'Choosing the table': page-0 scan, then the copies the newest record names, to a fixed point."""
    scanned, records = set(), []
    todo, best = [b for b in range(chip.blocks) if u32(chip.page(chip.row(b, 0))[0], 0) == BBT_MAGIC], None
    while todo:
        for b in todo:
            scanned.add(b)
            records += scan_bbt_block(chip, b)
        if not records:
            return None
        best = max(records, key=lambda r: r["sequence"])
        todo = [b for b in best["bbt_blocks"] if b not in scanned]
    return best


# --- journal -------------------------------------------------------------------------------------------------

def parse_journal_page(buf):
    if u32(buf, 0) != JRN_MAGIC:
        return None
    seq, rtype, ln = u32(buf, 4), u16(buf, 8), u16(buf, 10)
    if seq == 0 or ln > 480 or crc(buf[:16 + ln]) != u32(buf, 16 + ln):
        return None
    return {"sequence": seq, "type": rtype, "payload": bytes(buf[16:16 + ln])}


def read_journal_block(chip, block):
    recs, crc_failures = [], 0
    for p in range(chip.ppb):
        data, _, ecc_fails = chip.page(chip.row(block, p))
        col = data[:JRN_COLUMNS]
        if not ecc_fails and erased(col):
            continue
        rec = None if ecc_fails else parse_journal_page(col)
        if rec is None:
            crc_failures += 1  # a cut program, or not a record: it never existed
            continue
        rec["page"] = p
        recs.append(rec)
    return recs, crc_failures


def choose_journal(chip, blocks):
    """docs/STORE.md 'Choosing the journal': the complete block with the newer SNAPSHOT END is active."""
    per_block = {b: read_journal_block(chip, b) for b in blocks}
    best, head = None, 0
    for b, (recs, _) in per_block.items():
        head = max([head] + [r["sequence"] for r in recs])
        ends = [r["sequence"] for r in recs if r["type"] == T_SNAPSHOT_END]
        if ends and (best is None or max(ends) > best[1]):
            best = (b, max(ends))
    if best is None:
        return None
    latest = {}
    for r in per_block[best[0]][0]:
        if r["type"] not in latest or r["sequence"] > latest[r["type"]]["sequence"]:
            latest[r["type"]] = r
    return {"active_block": best[0], "head": head, "latest": latest,
            "invalid_pages": {b: v[1] for b, v in per_block.items()}}


def decode_slot_record(payload):
    if len(payload) < 44:
        return {"state": "malformed"}
    nblocks = payload[1]
    if len(payload) != 44 + 2 * nblocks:
        return {"state": "malformed"}
    return {"state": SLOT_STATES.get(payload[0], "unknown(%d)" % payload[0]), "generation": u32(payload, 4),
            "length": u32(payload, 8), "sha256": payload[12:44].hex(),
            "block_map": [u16(payload, 44 + 2 * i) for i in range(nblocks)]}


def version(b, o):
    return "%d.%d.%d+%d" % (b[o], b[o + 1], u16(b, o + 2), u32(b, o + 4))


def decode_bootstate(p):
    """docs/BOOT.md, the boot-state record, format 1, 212 bytes."""
    if len(p) != 212 or p[0] != 1:
        return {"malformed": True}
    phases = ["idle", "pending", "install", "trial", "rollback"]
    steps = ["capture", "app", "net", "verify"]
    outcomes = ["none", "confirmed", "rejected", "refused"]
    pick = lambda names, i: names[i] if i < len(names) else "unknown(%d)" % i
    nrej = min(p[6], 4)
    return {"phase": pick(phases, p[1]), "step": pick(steps, p[2]), "last": pick(outcomes, p[3]),
            "installed_slot": p[4], "candidate_slot": p[5], "rejected": nrej,
            "installed_generation": u32(p, 8), "candidate_generation": u32(p, 12),
            "candidate_counter": u32(p, 16), "counter_due": u32(p, 20), "last_refusal": -u32(p, 24),
            "candidate_version": version(p, 28), "installed_version": version(p, 36),
            "candidate_sha256": p[44:76].hex(), "rejected_sha256": [p[76 + 32 * i:108 + 32 * i].hex()
                                                                   for i in range(nrej)]}


def decode_fetch(p):
    """docs/FETCH.md, the download progress record, format 1."""
    if len(p) < 20 or p[0] != 1:
        return {"malformed": True}
    v, u = p[3], u16(p, 16)
    if len(p) != 20 + v + u:
        return {"malformed": True}
    return {"state": {1: "active", 2: "done", 3: "failed"}.get(p[1], "unknown"), "slot": "AB"[p[2] & 1],
            "generation": u32(p, 4), "size": u32(p, 8), "error": struct.unpack_from("<i", p, 12)[0],
            "validator": p[20:20 + v].decode("latin-1"), "url": p[20 + v:20 + v + u].decode("latin-1")}


def decode_roles(p, slots):
    """docs/STORE.md ROLES: a role holds only while its slot is COMMITTED with the recorded generation."""
    if len(p) != 12:
        return {"malformed": True}
    out = {}
    for name, s, gen in (("installed", p[0], u32(p, 4)), ("candidate", p[1], u32(p, 8))):
        ok = s in (0, 1) and slots[s]["state"] == "committed" and slots[s]["generation"] == gen
        out[name] = "AB"[s] if ok else None
    return out


# --- slots ---------------------------------------------------------------------------------------------------

def parse_tag(tag):
    """docs/STORE.md 'Slot pages and their tag': the 16-byte tag at tag-area byte 0 (its CRC is checked with the
    page data, in page_good)."""
    if u16(tag, 10) != TAG_MAGIC:
        return None
    return {"slot": tag[0], "copy": tag[1], "generation": u32(tag, 2), "lblock": tag[6], "page": tag[7],
            "used": u16(tag, 8), "crc": u32(tag, 12)}


def crc_ok(data, tag):
    """One CRC over the page data, then tag bytes 0 .. 12."""
    return crc(bytes(data) + bytes(tag[:12])) == u32(tag, 12)


def read_committed(chip, slot, rec, slot_blocks):
    """The content of a committed slot, checking every page's tag and CRC and the content's SHA-256."""
    errors, out = [], bytearray()
    length, bmap, ps = rec["length"], rec["block_map"], chip.page_size
    npages = (length + ps - 1) // ps
    if len(bmap) > slot_blocks or npages > len(bmap) * chip.ppb:
        return None, ["block map of %d blocks cannot hold %d bytes" % (len(bmap), length)]
    for p in range(npages):
        lb, pg = divmod(p, chip.ppb)
        data, tag_area, ecc_fails = chip.page(chip.row(bmap[lb], pg))
        where = "page %d (block %d page %d)" % (p, bmap[lb], pg)
        if ecc_fails:
            errors.append(where + ": uncorrectable")
            continue
        tag = parse_tag(tag_area)
        used = min(ps, length - p * ps)
        if tag is None:
            errors.append(where + ": tag magic")
        elif not crc_ok(data, tag_area):
            errors.append(where + ": CRC over data and tag")
        elif (tag["slot"], tag["generation"], tag["lblock"], tag["page"]) != (slot, rec["generation"], lb, pg):
            errors.append(where + ": tag names another page %r" % tag)
        elif tag["used"] != used:
            errors.append(where + ": used count %d, the length says %d" % (tag["used"], used))
        elif not erased(data[used:ps]):
            errors.append(where + ": padding is not 0xFF")
        out += data[:used]
    if not errors and hashlib.sha256(out).hexdigest() != rec["sha256"]:
        errors.append("SHA-256 of the content does not match the commit record")
    return bytes(out), errors


def open_slot_blocks(chip, slot, gen, free):
    """An OPEN slot owns, for now, every free block whose page-0 tag carries that slot and generation (a hint:
    docs/STORE.md counts a page only when it is good whole)."""
    held = []
    for b in free:
        data, tag_area, ecc_fails = chip.page(chip.row(b, 0))
        tag = None if ecc_fails else parse_tag(tag_area)
        if tag and tag["slot"] == slot and tag["generation"] == gen:
            held.append({"block": b, "lblock": tag["lblock"], "copy": tag["copy"], "crc_ok": crc_ok(data, tag_area)})
    return held


def describe_capture(content):
    """docs/BOOT.md: a slot the bootloader wrote from the running images starts with 'TDMC'."""
    if len(content) < 92 or content[:4] != b"TDMC":
        return None
    ok = crc(content[:88]) == u32(content, 88)
    return {"format": u32(content, 4), "app_length": u32(content, 8), "net_length": u32(content, 12),
            "header_crc_ok": ok}


# --- the whole store -----------------------------------------------------------------------------------------

def read_store(chip):
    bbt = choose_bbt(chip)
    if bbt is None:
        return {"store": None, "errors": ["no bad-block table: not a store"]}, {}
    rep = {"part": chip.part, "bbt": bbt, "errors": []}
    if bbt["state"] != "ready":
        rep["errors"].append("bad-block table state %s: an unfinished format" % bbt["state"])
        return rep, {}
    jr = choose_journal(chip, bbt["journal_blocks"])
    if jr is None:
        rep["errors"].append("no complete journal block (no valid SNAPSHOT END)")
        return rep, {}
    latest = jr["latest"]
    rep["journal"] = {"active_block": jr["active_block"], "head": jr["head"],
                      "invalid_pages": jr["invalid_pages"],
                      "latest": {"0x%04X" % t: {"sequence": r["sequence"], "length": len(r["payload"]), "page": r["page"]}
                                 for t, r in sorted(latest.items())}}
    system = set(bbt["bbt_blocks"] + bbt["journal_blocks"] + bbt["bad_blocks"])
    slots, contents = [], {}
    used = set(system)
    for i, t in enumerate((T_SLOT_A, T_SLOT_B)):
        s = decode_slot_record(latest[t]["payload"]) if t in latest else {"state": "empty", "generation": 0}
        s["slot"] = "AB"[i]
        if s["state"] == "committed":
            used.update(s["block_map"])
        slots.append(s)
    free = [b for b in range(bbt["first"], bbt["first"] + bbt["count"]) if b not in used]
    for i, s in enumerate(slots):
        if s["state"] == "committed":
            content, errors = read_committed(chip, i, s, bbt["slot_blocks"])
            s["errors"] = errors
            rep["errors"] += ["slot %s: %s" % (s["slot"], e) for e in errors]
            if not errors:
                contents[s["slot"]] = content
                s["capture"] = describe_capture(content)
        elif s["state"] == "open":
            s["held_blocks"] = open_slot_blocks(chip, i, s["generation"], free)
    rep["slots"] = slots
    if T_ROLES in latest:
        rep["roles"] = decode_roles(latest[T_ROLES]["payload"], slots)
    if T_BOOTSTATE in latest:
        rep["boot_state"] = decode_bootstate(latest[T_BOOTSTATE]["payload"])
    if T_FETCH in latest:
        rep["download"] = decode_fetch(latest[T_FETCH]["payload"])
    return rep, contents


def print_text(rep):
    b = rep.get("bbt")
    if b:
        print("part %s, store blocks %d..%d, BBT seq %d (%s) in blocks %s, journal blocks %s, slot_blocks %d"
              % (rep["part"], b["first"], b["first"] + b["count"] - 1, b["sequence"], b["state"], b["bbt_blocks"],
                 b["journal_blocks"], b["slot_blocks"]))
        print("bad blocks: %s" % (b["bad_blocks"] or "none"))
    j = rep.get("journal")
    if j:
        print("journal: active block %d, head sequence %d, latest: %s" % (
            j["active_block"], j["head"], ", ".join("%s seq %d" % (t, r["sequence"]) for t, r in j["latest"].items())))
    for s in rep.get("slots", []):
        line = "slot %s: %s gen %d" % (s["slot"], s["state"], s.get("generation", 0))
        if s["state"] == "committed":
            line += ", %d bytes in blocks %s, sha256 %s: %s" % (s["length"], s["block_map"], s["sha256"][:16],
                                                                "intact" if not s["errors"] else "DAMAGED")
        print(line)
    lines = ["%s: %s" % (k, json.dumps(rep[k])) for k in ("roles", "boot_state", "download") if k in rep]
    print("\n".join(lines + ["error: %s" % e for e in rep["errors"]]))


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("image")
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    ap.add_argument("--extract-dir", help="write each intact committed slot to DIR/slot_a.bin, DIR/slot_b.bin")
    args = ap.parse_args(argv)
    try:
        chip = Chip(args.image)
    except (OSError, NotAnImage) as e:
        print("nand_reader: %s" % e, file=sys.stderr)
        return 2
    rep, contents = read_store(chip)
    if args.extract_dir:
        for name, content in contents.items():
            with open("%s/slot_%s.bin" % (args.extract_dir, name.lower()), "wb") as f:
                f.write(content)
    if args.json:
        print(json.dumps(rep, sort_keys=True))
    else:
        print_text(rep)
    return 1 if rep["errors"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
