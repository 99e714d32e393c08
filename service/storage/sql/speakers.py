"""Canonical speakers and the alias keys that find them."""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.engine import RowMapping

from service.domain.entities import (
    Speaker,
    SpeakerKind,
    SpeakerMention,
)
from service.errors import NotFound
from service.storage.sql.base import SqlBase, _escape_like, _inserted_id
from service.storage.tables import (
    speaker_aliases,
    speakers,
)


class SpeakerRows(SqlBase):
    """Canonical speakers and the alias keys that find them."""


    def get_speaker(self, speaker_id: int) -> Speaker:
        """Return one speaker or raise NotFound."""
        with self._connect() as c:
            row = c.execute(sa.select(speakers).where(speakers.c.id == speaker_id)).mappings().first()
        if row is None:
            raise NotFound(f"speaker {speaker_id} not found", {"id": speaker_id})
        return _speaker(row)

    def list_speakers(self, limit: int, offset: int, q: str | None = None) -> tuple[list[Speaker], int]:
        """Page through speakers by name."""
        query = sa.select(speakers)
        if q:
            query = query.where(speakers.c.name.ilike(f"%{_escape_like(q)}%", escape="\\"))
        with self._connect() as c:
            total = c.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()
            rows = c.execute(query.order_by(speakers.c.name, speakers.c.id).limit(limit).offset(offset)
                             ).mappings().all()
        return [_speaker(r) for r in rows], total

    def speakers_with_alias_keys(self, keys: Sequence[str]) -> list[Speaker]:
        """Return the speakers known under any of these alias keys."""
        if not keys:
            return []
        query = (
            sa.select(speakers).distinct()
            .join(speaker_aliases, speaker_aliases.c.speaker_id == speakers.c.id)
            .where(speaker_aliases.c.alias_key.in_(list(keys)))
            .order_by(speakers.c.id)
        )
        with self._connect() as c:
            return [_speaker(r) for r in c.execute(query).mappings().all()]

    def add_speaker(self, mention: SpeakerMention, alias_keys: dict[str, str]) -> Speaker:
        """Insert a canonical speaker with its aliases (key -> surface form)."""
        with self._connect() as c:
            result = c.execute(speakers.insert().values(
                name=mention.name, kind=str(mention.kind), affiliation=mention.affiliation, role=mention.role,
            ))
            speaker_id = _inserted_id(result)
        self.add_speaker_aliases(speaker_id, alias_keys)
        return Speaker(speaker_id, mention.name, mention.kind, mention.affiliation, mention.role)

    def add_speaker_aliases(self, speaker_id: int, alias_keys: dict[str, str]) -> None:
        """Add the aliases this speaker does not have yet."""
        with self._connect() as c:
            known = set(c.execute(
                sa.select(speaker_aliases.c.alias_key).where(speaker_aliases.c.speaker_id == speaker_id)
            ).scalars())
            rows = [{"speaker_id": speaker_id, "alias_key": key[:255], "alias": alias}
                    for key, alias in alias_keys.items() if key and key[:255] not in known]
            if rows:
                c.execute(speaker_aliases.insert(), rows)

def _speaker(row: RowMapping) -> Speaker:
    return Speaker(row["id"], row["name"], SpeakerKind(row["kind"]), row["affiliation"], row["role"])
