"""WITH exceptions: what each one changes, with the clause quoted from its text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kbgen_core import Term, evidence, read_text

# key, ScanCode text, effect, share-alike cap (None: no change to the copyleft reach), patterns
ROWS: list[tuple[str, str, str, str | None, list[str]]] = [
    (
        "Classpath-exception-2.0",
        "classpath-exception-2.0",
        "linking the library with independent modules does not extend the GPL to those modules; "
        "the library itself stays under the GPL",
        "file",
        [
            r"As a special exception, the copyright holders of this library give you permission to link "
            r"this library with independent modules to produce an executable, regardless of the license "
            r"terms of these independent modules"
        ],
    ),
    (
        "LLVM-exception",
        "llvm-exception",
        "portions embedded in compiled object code may be redistributed without the Apache-2.0 "
        "notice conditions of Sections 4(a), 4(b) and 4(d)",
        None,
        [
            r"you may redistribute such embedded portions in such Object form without complying with the "
            r"conditions of Sections 4\(a\), 4\(b\) and 4\(d\) of the License"
        ],
    ),
    (
        "GCC-exception-3.1",
        "gcc-exception-3.1",
        "target code combining the GCC runtime library with independent modules may be propagated "
        "under terms of your choice",
        "file",
        [
            r"You have permission to propagate a work of Target Code formed by combining the Runtime "
            r"Library with Independent Modules"
        ],
    ),
    (
        "GCC-exception-2.0",
        "gcc-linking-exception-2.0",
        "the compiled file may be linked into other programs and those combinations distributed "
        "without restriction from this file",
        "file",
        [
            r"gives you unlimited permission to link the compiled version of this file into combinations "
            r"with other programs"
        ],
    ),
    (
        "Bison-exception-2.2",
        "bison-exception-2.2",
        "a larger work containing the Bison parser skeleton may be distributed under terms of your "
        "choice",
        "none",
        [
            r"As a special exception, you may create a larger work that contains part or all of the Bison "
            r"parser skeleton and distribute that work under terms of your choice"
        ],
    ),
    (
        "Autoconf-exception-3.0",
        "autoconf-exception-3.0",
        "Autoconf's typical output (configure scripts) may be distributed under terms of the "
        "recipient's choice",
        "none",
        [
            r"The purpose of this Exception is to allow distribution of Autoconf's typical output under "
            r"terms of the recipient's choice"
        ],
    ),
    (
        "Font-exception-2.0",
        "font-exception-gpl",
        "embedding the font in a document does not by itself bring the document under the GPL",
        "file",
        [
            r"this font does not by itself cause the resulting document to be covered by the GNU General "
            r"Public License"
        ],
    ),
    (
        "Linux-syscall-note",
        "linux-syscall-exception-gpl",
        "user programs using kernel services by normal system calls are not derived works",
        "file",
        [
            r"This copyright does \*not\* cover user programs that use kernel services by normal system "
            r"calls"
        ],
    ),
]


def exception_records(texts: Path) -> list[dict[str, Any]]:
    out = []
    for key, text_key, effect, cap, patterns in ROWS:
        text = read_text(texts / f"{text_key}.LICENSE")
        url = f"https://spdx.org/licenses/{key}.html"
        rec: dict[str, Any] = {
            "key": key,
            "text": text_key,
            "aliases": [text_key],
            "effect": effect,
            "evidence": [evidence(text, Term(effect, patterns), url)],
        }
        if cap:
            rec["share_alike"] = cap
        out.append(rec)
    return out
