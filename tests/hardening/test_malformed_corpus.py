"""Every file of the malformed corpus gets a clear error naming the file, and nothing is written (both stores)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from critmin.config import get_settings
from critmin.errors import CritminError
from critmin.geochem.assays import read_assays
from critmin.store.ingest import import_files
from critmin.store.tables import Dataset, Site
from tests.hardening.corpus import build_corpus


@pytest.fixture(scope="session")
def corpus(tmp_path_factory):
    return {c.name: c for c in build_corpus(tmp_path_factory.mktemp("malformed"))}


def test_corpus_has_at_least_fifty_files(corpus) -> None:
    assert len(corpus) >= 50
    assert len({c.importer for c in corpus.values()}) >= 9


def _counts(db) -> tuple[int, int]:
    with db.session() as s:
        return (s.execute(select(func.count()).select_from(Dataset)).scalar_one(),
                s.execute(select(func.count()).select_from(Site)).scalar_one())


def test_every_malformed_file_is_refused_cleanly(db, corpus, monkeypatch) -> None:
    problems: list[str] = []
    before = _counts(db)
    for case in corpus.values():
        get_settings.cache_clear()
        for k in ("CRITMIN_MAX_IMPORT_ROWS", "CRITMIN_MAX_GEOMETRY_VERTICES"):
            monkeypatch.delenv(k, raising=False)
        for k, v in case.limits.items():
            monkeypatch.setenv(k, v)
        try:
            if case.importer == "assays":
                read_assays(case.path)
            else:
                import_files(db, [case.path], case.importer, mapping=case.mapping)  # type: ignore[arg-type]
        except CritminError as exc:
            msg = str(exc)
            if case.path.name not in msg:
                problems.append(f"{case.name}: the message does not name the file: {msg}")
            elif case.expect and case.expect.lower() not in msg.lower():
                problems.append(f"{case.name}: expected {case.expect!r} in: {msg}")
        except Exception as exc:
            problems.append(f"{case.name}: {type(exc).__name__} instead of a critmin error: {exc}")
        else:
            problems.append(f"{case.name}: accepted")
    get_settings.cache_clear()
    assert _counts(db) == before
    assert not problems, "\n".join(problems)
