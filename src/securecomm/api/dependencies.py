"""Named dependencies: the database session, and the agency behind the request's API key.

Agencies authenticate with ``Authorization: Bearer <key>`` (or ``X-API-Key``); access control is
the agency's ORI, used in every query (``SubmittingAgency``), so a jail reads only its own
submissions and answers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from securecomm.api.errors import NotAuthenticatedError
from securecomm.records.agencies import AgencyKind
from securecomm.records.credentials import agency_for_key


@dataclass(frozen=True)
class Principal:
    ori: str
    kind: AgencyKind


def session_factory(request: Request) -> sessionmaker[Session]:
    return request.app.state.session_factory  # type: ignore[no-any-return]


def db_session(
    factory: Annotated[sessionmaker[Session], Depends(session_factory)],
) -> Iterator[Session]:
    with factory() as session:
        yield session


def _presented_key(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return request.headers.get("x-api-key") or None


def authenticated_agency(
    request: Request, session: Annotated[Session, Depends(db_session)]
) -> Principal:
    key = _presented_key(request)
    if key is None:
        raise NotAuthenticatedError("an API key is required (Authorization: Bearer <key>)")
    agency = agency_for_key(session, key)
    if agency is None:
        raise NotAuthenticatedError("the API key is unknown or revoked")
    return Principal(ori=agency.ori, kind=agency.kind)


SubmittingAgency = Annotated[Principal, Depends(authenticated_agency)]
DbSession = Annotated[Session, Depends(db_session)]
Factory = Annotated[sessionmaker[Session], Depends(session_factory)]
