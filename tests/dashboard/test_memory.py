"""release_free_memory trims glibc's heap and is a harmless no-op everywhere else."""

from __future__ import annotations

import gc
import platform
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from dashboard import memory
from dashboard.memory import release_free_memory

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


@pytest.fixture(autouse=True)
def _fresh_lookup() -> Iterator[None]:
    memory._malloc_trim.cache_clear()
    yield
    memory._malloc_trim.cache_clear()


def test_trims_on_glibc_and_reports_whether_it_could() -> None:
    on_glibc = platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"
    assert release_free_memory() is on_glibc
    assert release_free_memory() is on_glibc  # safe to call again


@pytest.mark.parametrize("system", ["darwin", "win32"])
def test_is_a_no_op_off_linux(monkeypatch: pytest.MonkeyPatch, system: str) -> None:
    monkeypatch.setattr(memory.sys, "platform", system)
    assert release_free_memory() is False


def test_is_a_no_op_when_the_c_library_cannot_be_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(name: str) -> None:
        raise OSError(f"cannot load {name}")

    monkeypatch.setattr(memory.sys, "platform", "linux")
    monkeypatch.setattr(memory.ctypes, "CDLL", refuse)
    assert release_free_memory() is False


def test_is_a_no_op_on_a_libc_without_malloc_trim(monkeypatch: pytest.MonkeyPatch) -> None:
    class Musl:  # musl (Alpine) has no malloc_trim: the attribute lookup fails
        def __init__(self, name: str) -> None:
            self.name = name

        def __getattr__(self, symbol: str) -> object:
            raise AttributeError(symbol)

    monkeypatch.setattr(memory.sys, "platform", "linux")
    monkeypatch.setattr(memory.ctypes, "CDLL", Musl)
    assert release_free_memory() is False


def test_asks_arrows_pool_only_when_pyarrow_is_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    released: list[str] = []

    class Pool:
        def release_unused(self) -> None:
            released.append("pool")

    class Arrow:
        @staticmethod
        def default_memory_pool() -> Pool:
            return Pool()

    monkeypatch.delitem(memory.sys.modules, "pyarrow", raising=False)
    release_free_memory()
    assert released == []  # not imported just to be asked
    monkeypatch.setitem(memory.sys.modules, "pyarrow", Arrow)
    release_free_memory()
    assert released == ["pool"]


def test_every_run_of_the_app_ends_with_a_trim_even_a_stopped_one(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    trims: list[bool] = []

    def counted() -> bool:
        trims.append(True)
        return True

    monkeypatch.setattr(memory, "trim_heap", counted)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    assert len(trims) == 2  # "/" runs the front door, which reruns as /log
    at.switch_page("views/supervision.py").run()  # nothing logged: the page ends in st.stop()
    assert not at.exception
    assert at.info and "No sessions" in " ".join(i.value for i in at.info)
    assert len(trims) == 3


def test_trim_heap_reports_whether_it_could() -> None:
    on_glibc = platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"
    assert memory.trim_heap() is on_glibc


def test_the_first_run_freezes_the_loaded_modules_once(engine: Engine) -> None:
    memory.freeze_modules.cache_clear()
    gc.unfreeze()
    try:
        AppTest.from_file(APP, default_timeout=60).run()
        frozen = gc.get_freeze_count()
        assert frozen > 10_000  # Streamlit's, pandas' and SQLAlchemy's objects at least
        AppTest.from_file(APP, default_timeout=60).run()
        # Once per process: a second freeze would add this run's objects (frozen ones may go).
        assert gc.get_freeze_count() <= frozen
    finally:
        gc.unfreeze()
        memory.freeze_modules.cache_clear()
