"""Just enough ELF to check the layers' aarch64 binaries without running them: machine and DT_NEEDED."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

MAGIC = b"\x7fELF"
EM_AARCH64 = 183
_ELFCLASS64, _LITTLE_ENDIAN = 2, 1
_SHT_DYNAMIC, _DT_NULL, _DT_NEEDED = 6, 0, 1


@dataclass(frozen=True)
class Elf:
    machine: int
    needed: tuple[str, ...]


def is_elf(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) == MAGIC


def read_elf(path: Path) -> Elf:
    """The machine and the DT_NEEDED libraries of a 64-bit little-endian ELF file (every aarch64 Linux one)."""
    data = path.read_bytes()
    assert data[:4] == MAGIC and data[4] == _ELFCLASS64 and data[5] == _LITTLE_ENDIAN, path
    (machine,) = struct.unpack_from("<H", data, 18)
    (section_offset,) = struct.unpack_from("<Q", data, 0x28)
    entry_size, count = struct.unpack_from("<HH", data, 0x3A)
    # (name, type, flags, addr, offset, size, link, info, addralign, entsize) of each section
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, section_offset + i * entry_size) for i in range(count)]
    needed: list[str] = []
    for section in sections:
        if section[1] != _SHT_DYNAMIC:
            continue
        strings = sections[section[6]][4]
        for offset in range(section[4], section[4] + section[5], 16):
            tag, value = struct.unpack_from("<qQ", data, offset)
            if tag == _DT_NULL:
                break
            if tag == _DT_NEEDED:
                end = data.index(b"\0", strings + value)
                needed.append(data[strings + value : end].decode())
    return Elf(machine, tuple(needed))


__all__ = ["EM_AARCH64", "Elf", "is_elf", "read_elf"]
