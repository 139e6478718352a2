"""Provenance of results and imports: content hashes, parameters, version, seed, timestamps."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

CHUNK = 1 << 20


def sha256_file(path: str | Path) -> str:
    """SHA-256 of a file's bytes, hex encoded."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def sha256_files(paths: Iterable[str | Path]) -> str:
    """SHA-256 over the hashes of several files in the given order (names excluded)."""
    h = hashlib.sha256()
    for p in paths:
        h.update(sha256_file(p).encode())
    return h.hexdigest()


def sha256_json(obj: Any) -> str:
    """SHA-256 of a canonical JSON rendering (sorted keys) of ``obj``."""
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()


def utcnow() -> datetime:
    """Timezone-aware current time in UTC (second precision)."""
    return datetime.now(UTC).replace(microsecond=0)


@dataclass(frozen=True)
class RunRecord:
    """What produced a result: inputs' content hash, parameters, software version, seed, times, parents.

    ``started_at`` is when the computation began (empty when the producer did not record it) and ``created_at``
    when the result was made (its end); ``parents`` are the input hashes of the records it derived from.
    Re-running with the same inputs, parameters and seed reproduces the result bit for bit (the times differ).
    """

    operation: str
    inputs_sha256: str
    parameters: Mapping[str, Any] = field(default_factory=dict)
    seed: int | None = None
    version: str = ""
    created_at: str = ""
    parents: tuple[str, ...] = ()
    started_at: str = ""

    @classmethod
    def create(
        cls,
        operation: str,
        *,
        inputs_sha256: str,
        parameters: Mapping[str, Any] | None = None,
        seed: int | None = None,
        parents: Iterable[str] = (),
        started_at: datetime | None = None,
    ) -> RunRecord:
        """Build a record stamped with the installed critmin version and the current UTC time (the end);
        ``started_at`` is when the computation began."""
        from critmin import __version__

        return cls(
            operation=operation,
            inputs_sha256=inputs_sha256,
            parameters=dict(parameters or {}),
            seed=seed,
            version=__version__,
            created_at=utcnow().isoformat(),
            parents=tuple(parents),
            started_at=started_at.isoformat() if started_at is not None else "",
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        d = asdict(self)
        d["parameters"] = dict(self.parameters)
        d["parents"] = list(self.parents)
        return d
