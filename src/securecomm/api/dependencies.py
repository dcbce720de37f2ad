"""Named dependencies: the database session, and the agency behind the request's API key.

Agencies authenticate with ``Authorization: Bearer <key>`` (or ``X-API-Key: <key>``), the key
that ``securecomm agency key`` issues; both are declared as security schemes in the OpenAPI
schema (``AgencyBearer``, ``AgencyApiKey``: either one). Access control is the agency's ORI,
used in every query (``SubmittingAgency``), so a jail reads only its own submissions and
answers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker

from securecomm.api.errors import NotAuthenticatedError
from securecomm.records.agencies import AgencyKind
from securecomm.records.credentials import agency_for_key


@dataclass(frozen=True)
class Principal:
    ori: str
    kind: AgencyKind


def session_factory(request: Request) -> sessionmaker[Session]:
    factory: sessionmaker[Session] = request.app.state.session_factory
    return factory


def db_session(
    factory: Annotated[sessionmaker[Session], Depends(session_factory)],
) -> Iterator[Session]:
    with factory() as session:
        yield session


bearer_scheme = HTTPBearer(
    scheme_name="AgencyBearer",
    description="`Authorization: Bearer <key>` with the agency's API key "
    "(`securecomm agency key ORI`).",
    auto_error=False,
)
api_key_scheme = APIKeyHeader(
    name="X-API-Key",
    scheme_name="AgencyApiKey",
    description="The same agency API key in an `X-API-Key` header.",
    auto_error=False,
)


def authenticated_agency(
    session: Annotated[Session, Depends(db_session)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)],
    api_key: Annotated[str | None, Security(api_key_scheme)],
) -> Principal:
    key = (bearer.credentials.strip() if bearer is not None else "") or (api_key or "").strip()
    if not key:
        raise NotAuthenticatedError("an API key is required (Authorization: Bearer <key>)")
    agency = agency_for_key(session, key)
    if agency is None:
        raise NotAuthenticatedError("the API key is unknown or revoked")
    return Principal(ori=agency.ori, kind=agency.kind)


SubmittingAgency = Annotated[Principal, Depends(authenticated_agency)]
DbSession = Annotated[Session, Depends(db_session)]
Factory = Annotated[sessionmaker[Session], Depends(session_factory)]
