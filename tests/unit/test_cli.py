"""The seed file format: an optional leading " date YYYY-MM-DD"."""
from __future__ import annotations

import datetime as dt

from service.cli import split_seed


def test_splits_a_date_line_followed_by_a_newline() -> None:
    assert split_seed(" date 2022-03-31\nKyiv said so.") == ("Kyiv said so.", dt.date(2022, 3, 31))


def test_splits_a_date_prefix_on_the_same_line_as_the_text() -> None:
    assert split_seed(" date 2022-04-01 Amidst the war...") == ("Amidst the war...", dt.date(2022, 4, 1))


def test_a_file_without_date_has_no_publication_date() -> None:
    assert split_seed("The Kremlin said so.") == ("The Kremlin said so.", None)


def test_the_default_sqlite_directory_is_created(tmp_path) -> None:
    from service.storage.sql import create_engine

    create_engine(f"sqlite:///{tmp_path}/var/nested/claims.sqlite3").connect().close()
    assert (tmp_path / "var" / "nested" / "claims.sqlite3").exists()
