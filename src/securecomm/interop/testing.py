"""Testing hooks shipped with the pipeline: bookings made from a real transaction, and a clean
database on SQLite or PostgreSQL.

``booking_variant`` rewrites a real CAR (e.g. ``shared/data/ansinist/ebts/NISTFile.ebts``)
with another ORI and TCN, optionally with its image data damaged after the WSQ header (so the
transaction parses and its sizes agree, but the image cannot be decoded: the ERRT path).
"""

from __future__ import annotations

from sqlalchemy import Engine, text

from securecomm.ansinist import traditional
from securecomm.ansinist.binary_layouts import data_tag
from securecomm.ansinist.transaction import BINARY_RECORD_TYPES, DATA_TAG, Field, Transaction
from securecomm.store.database import make_engine
from securecomm.store.migrate import upgrade


def booking_variant(
    template: bytes, *, tcn: str, ori: str | None = None, damage_images: bool = False
) -> bytes:
    transaction = traditional.read(template)
    type1 = transaction.type1.with_field(Field.text(9, tcn))
    if ori is not None:
        type1 = type1.with_field(Field.text(8, ori))
    records = [type1]
    for record in transaction.records[1:]:
        if damage_images and record.type in (4, 14):
            tag = data_tag(record.type) if record.type in BINARY_RECORD_TYPES else DATA_TAG
            data = record.get(tag)
            assert data is not None and data.data is not None
            keep = len(data.data) // 3
            record = record.with_field(
                Field.binary(tag, data.data[:keep] + bytes(len(data.data) - keep))
            )
        records.append(record)
    return traditional.write(Transaction.of(records))


def fresh_database(url: str) -> Engine:
    """An engine on an empty database at the newest migration (PostgreSQL: schema reset)."""
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    return engine
