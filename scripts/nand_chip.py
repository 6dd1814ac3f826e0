#!/usr/bin/env python3
"""A simulated NAND chip file (version 2), read as the chip would answer, written from docs/NAND.md ("The chip
file", "A read of a page, now", "Parts and their raw spare layout") alone, never from the C code. Used by
scripts/nand_reader.py, the store's independent reader.

Owns: the chip file's layout, the parts' geometry and the raw spare offsets of the tag area.
Never: writes the file, or knows anything about what the store keeps in the pages.
"""
import mmap
import os
import struct

# docs/NAND.md "The chip file": a 4096-byte header naming the part, 5 bytes per block, 10 bytes per page, then
# the array in raw layout (data, then the whole raw spare area).
HDR_SIZE, BLOCK_REC, PAGE_REC = 4096, 5, 10
FILE_MAGIC, FILE_VERSION = b"TDMNAND1", 2
PAGE_UNCORRECTABLE = 0x02  # per-page flags (record byte 1) bit 1: the on-die ECC reports the page uncorrectable


def spans(*ranges):
    """Raw spare offsets from inclusive (first, last) pairs, in order."""
    return [o for a, b in ranges for o in range(a, b + 1)]


# docs/NAND.md "Parts and their raw spare layout": geometry, ECC strength (bits per codeword) and, per tag byte,
# its raw spare offset (protected bytes first).
W25N_TAG = spans((4, 7), (20, 23), (36, 39), (52, 55), (2, 3), (18, 19), (34, 35), (50, 51))
MT29F_TAG = spans((4, 63), (2, 3))
GD5F_TAG = spans((4, 7), (20, 23), (36, 39), (52, 55), (1, 3), (16, 19), (32, 35), (48, 51))
FAMILIES = {  # name: (page size, spare size, pages per block, blocks, ECC bits, tag map)
    "W25N01GV": (2048, 64, 64, 1024, 1, W25N_TAG),
    "MT29F1G01ABAFD": (2048, 128, 64, 1024, 8, MT29F_TAG),
    "GD5F1GQ4UA": (2048, 64, 64, 1024, 8, GD5F_TAG),
}
SMALL = {"W25N-SMALL": "W25N01GV", "MT29F-SMALL": "MT29F1G01ABAFD", "GD5F-SMALL": "GD5F1GQ4UA"}
PARTS = dict(FAMILIES)
PARTS.update({small: FAMILIES[big][:3] + (64,) + FAMILIES[big][4:] for small, big in SMALL.items()})

class NotAnImage(Exception):
    """The file is not a simulated chip of a known part."""


def u16(b, o):
    return struct.unpack_from("<H", b, o)[0]


def u32(b, o):
    return struct.unpack_from("<I", b, o)[0]


class Chip:
    """The simulated chip: each page as the chip would return it (data, tag area) or as uncorrectable."""

    def __init__(self, path):
        with open(path, "rb") as f:
            # mapped, not read: a reader looks at page 0 of every block and the store's blocks only
            raw = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if os.fstat(f.fileno()).st_size else b""
        if len(raw) < HDR_SIZE:
            raise NotAnImage("file of %d bytes: shorter than the %d-byte chip file header" % (len(raw), HDR_SIZE))
        if raw[:8] != FILE_MAGIC:
            raise NotAnImage("not a simulated chip file (magic is not %s)" % FILE_MAGIC.decode())
        if u32(raw, 8) != FILE_VERSION:
            raise NotAnImage("chip file version %d, this reader reads version %d" % (u32(raw, 8), FILE_VERSION))
        self.part = raw[12:44].split(b"\0", 1)[0].decode("ascii", "replace")
        if self.part not in PARTS:
            raise NotAnImage("unknown part %r" % self.part)
        self.page_size, self.spare_size, self.ppb, self.blocks, self.ecc_bits, self.tag_map = PARTS[self.part]
        rows = self.blocks * self.ppb
        self.raw_page = self.page_size + self.spare_size
        self.page_recs_at = HDR_SIZE + self.blocks * BLOCK_REC
        self.array_at = self.page_recs_at + rows * PAGE_REC
        want = self.array_at + rows * self.raw_page
        if len(raw) != want:
            raise NotAnImage("file size %d, a %s chip file is %d bytes" % (len(raw), self.part, want))
        self.raw = raw

    def uncorrectable(self, row):
        """docs/NAND.md 'A read of a page, now' (the state the file holds; a later read may age a weak page)."""
        rec = self.raw[self.page_recs_at + PAGE_REC * row:self.page_recs_at + PAGE_REC * (row + 1)]
        flags, over_programmed, weak, life, age, flips = rec[1], rec[3], rec[4], rec[5], rec[6], rec[8]
        return (bool(flags & PAGE_UNCORRECTABLE) or over_programmed != 0 or flips > self.ecc_bits
                or (weak != 0 and age >= life))

    def page(self, row):
        """(data bytes, tag-area bytes, uncorrectable?): the tag area assembled from the raw spare bytes."""
        at = self.array_at + row * self.raw_page
        data = self.raw[at:at + self.page_size]
        spare = self.raw[at + self.page_size:at + self.raw_page]
        return data, bytes(spare[o] for o in self.tag_map), self.uncorrectable(row)

    def row(self, block, page):
        return block * self.ppb + page
