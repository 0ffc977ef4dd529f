"""Hand freed heap memory back to the operating system after a large computation.

glibc's malloc keeps freed memory in its heaps for reuse. Building the analysis, the pattern
report or the 5 MB supervision packet frees tens of MiB of temporary frames, figures and strings
that then sit in the server's resident memory although nothing uses them (measured with
benchmarks/memory_by_page.py: a trim after every page returned 6–18 MiB). `release_free_memory`
asks glibc to return them (`malloc_trim(0)`), and Arrow's memory pool, which holds pandas' text
columns, to do the same. It is called after a cache miss that built something big, never on
every rerun. `trim_heap` alone (no collection, ~0.1 ms) ends every run (dashboard/app.py): the
rendering of a page and the messages sent for it free a few MiB that otherwise stay in the heap
(after every page: 250 -> 244 MiB).

A full collection walks every tracked object, and most of them are the loaded modules' own
(Streamlit, pandas, Plotly, SQLAlchemy): ~0.2 s a time, holding the interpreter lock, so on a
practice server every person's Review after a save stalled everyone else. `freeze_modules`
moves the objects alive at the server's first run (modules and their tables, nothing of anyone's
data yet) out of the collector's sight for good (`gc.freeze`, meant for this): a collection then
walks only what runs made since (Review after a save, a year of entries: 384 -> 179 ms under
AppTest). Those objects live as long as the process anyway.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import sys
from collections.abc import Callable
from functools import cache

log = logging.getLogger(__name__)


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    # Only glibc has malloc_trim; macOS, Windows and musl (Alpine) have no such call.
    if not sys.platform.startswith("linux"):
        return None
    name = ctypes.util.find_library("c") or "libc.so.6"
    try:
        libc = ctypes.CDLL(name)
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def _release_arrow_pool() -> None:
    # pandas keeps its text columns in Arrow buffers, which Arrow allocates from its own pool
    # (mimalloc unless ARROW_DEFAULT_MEMORY_POOL=system, as `tightrope run` sets); that pool keeps
    # freed pages too (4-5 MiB after reading ten years of entries).
    # Only when pandas already loaded pyarrow: importing it here would cost more than it frees.
    arrow = sys.modules.get("pyarrow")
    if arrow is not None:
        arrow.default_memory_pool().release_unused()


@cache
def freeze_modules() -> None:
    """Once per process, before any page has run: collect, then freeze what is left (the loaded
    modules' objects) so later collections skip it."""
    gc.collect()
    gc.freeze()


def trim_heap() -> bool:
    """Hand glibc's free heap pages back to the OS (`malloc_trim(0)`); False where there is no
    such call. Cheap when there is little to give back (~0.1 ms), so it can end every run."""
    trim = _malloc_trim()
    if trim is None:
        return False
    try:
        trim(0)
    except OSError:  # pragma: no cover - a foreign libc that lacks the symbol's semantics
        log.debug("malloc_trim failed", exc_info=True)
        return False
    return True


def release_free_memory() -> bool:
    """Free unreachable cycles, then return the C heap's free memory to the OS (glibc only);
    False where there is no such call."""
    # Plotly figures and pandas internals hold reference cycles: only the cycle collector frees
    # them, and only then can their memory go back. The modules' objects are frozen
    # (freeze_modules); the rest is walked, so this runs on a cache miss only.
    gc.collect()
    _release_arrow_pool()
    return trim_heap()
