"""Routes for ICE staff: case work over the same command API the console uses.

Staff sign in with their console account (``POST /staff/sessions``: the console's password
check, throttle and lockout, audited) and send the session token as ``Authorization: Bearer``.
Then, as on the console's case page: the cases they may see, one case (audited read), what they
may do on it now and why not the rest (``CaseWork.availability``), and any case command by its
name with its fields as JSON (``CaseWork.handle``: authorised, guarded, audited, one
transaction; a refusal is answered with the enforcement layer's message and its status, and is
on the audit log).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Security
from fastapi.encoders import jsonable_encoder
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, TypeAdapter, ValidationError
from sqlalchemy.orm import Session, sessionmaker

from securecomm.api.dependencies import session_factory
from securecomm.api.errors import CASE_WORK_ERROR_DESCRIPTIONS, error_responses
from securecomm.clock import Clock, SystemClock
from securecomm.enforcement import COMMANDS_BY_NAME, CaseWork, InputError, Principal
from securecomm.store.database import unit_of_work
from securecomm.web.auth import resume, sign_in
from securecomm.web.errors import SignInRequiredError

router = APIRouter(tags=["case work"])

staff_scheme = HTTPBearer(
    scheme_name="StaffBearer",
    description="`Authorization: Bearer <token>` with the token `POST /staff/sessions` gave.",
    auto_error=False,
)


class StaffSignIn(BaseModel):
    username: str
    password: str


class StaffSession(BaseModel):
    token: str
    username: str
    role: str


class CommandAvailability(BaseModel):
    #: The command's name (``POST /cases/{case_number}/actions/{name}``).
    name: str
    possible: bool
    #: What has to happen first, in words ("" when it may succeed now).
    why_not: str


class CommandDone(BaseModel):
    done: str
    case_number: str


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return error_responses(*codes, descriptions=CASE_WORK_ERROR_DESCRIPTIONS)


def _clock(request: Request) -> Clock:
    clock: Clock | None = getattr(request.app.state, "clock", None)
    return clock or SystemClock()


def case_work(request: Request) -> CaseWork:
    """One ``CaseWork`` per app, on its database and clock."""
    work: CaseWork | None = getattr(request.app.state, "case_work", None)
    if work is None:
        work = CaseWork(request.app.state.session_factory, _clock(request))
        request.app.state.case_work = work
    return work


def staff_principal(
    request: Request,
    factory: Annotated[sessionmaker[Session], Depends(session_factory)],
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(staff_scheme)],
) -> Principal:
    token = bearer.credentials.strip() if bearer is not None else ""
    if not token:
        raise SignInRequiredError("a staff session token is required (POST /staff/sessions)")
    with unit_of_work(factory) as session:
        return resume(session, _clock(request), token).principal


Staff = Annotated[Principal, Depends(staff_principal)]
Work = Annotated[CaseWork, Depends(case_work)]


@router.post(
    "/staff/sessions",
    response_model=StaffSession,
    responses=_errors(400, 401, 403, 429),
    summary="Sign a staff member in",
)
def open_staff_session(
    body: StaffSignIn,
    request: Request,
    factory: Annotated[sessionmaker[Session], Depends(session_factory)],
) -> StaffSession:
    """The console's sign-in (throttled, locked after repeated failures, audited)."""
    address = request.client.host if request.client else ""
    with unit_of_work(factory) as session:
        outcome = sign_in(session, _clock(request), body.username, body.password, address=address)
    token = outcome.token_or_raise()  # the failure was counted in the committed transaction
    with unit_of_work(factory) as session:
        user = resume(session, _clock(request), token)
    return StaffSession(token=token, username=user.username, role=user.role.value)


@router.get("/cases", responses=_errors(401, 403), summary="The cases the staff member may see")
def list_cases(work: Work, staff: Staff, office: str = "") -> list[dict[str, Any]]:
    return [c.as_json() for c in work.list_cases(staff, office=office)]


@router.get(
    "/cases/{case_number}", responses=_errors(401, 403, 404), summary="One case (audited read)"
)
def read_case(case_number: str, work: Work, staff: Staff) -> dict[str, Any]:
    view = work.read_case(staff, case_number)
    return dict(jsonable_encoder(asdict(view)))


@router.get(
    "/cases/{case_number}/actions",
    response_model=list[CommandAvailability],
    responses=_errors(401, 403, 404),
    summary="What may be done on the case now",
)
def case_actions(case_number: str, work: Work, staff: Staff) -> list[CommandAvailability]:
    """Every command in the staff member's reach: possible now, or why not yet."""
    return [
        CommandAvailability(name=a.command.name, possible=a.possible, why_not=a.why_not)
        for a in work.availability(staff, case_number)
        if not a.out_of_reach
    ]


@router.post(
    "/cases/{case_number}/actions/{name}",
    response_model=CommandDone,
    responses=_errors(400, 401, 403, 404, 409),
    summary="Run a case command",
)
def run_command(
    case_number: str, name: str, work: Work, staff: Staff, body: dict[str, Any] | None = None
) -> CommandDone:
    """The command ``name`` (``GET …/actions`` lists them) with its fields as a JSON object."""
    command_type = COMMANDS_BY_NAME.get(name)
    if command_type is None:
        known = ", ".join(sorted(COMMANDS_BY_NAME))
        raise InputError(f"there is no case command {name!r}; the commands are: {known}")
    fields = dict(body or {})
    fields.pop("case_number", None)  # the path names the case
    try:
        command = TypeAdapter(command_type).validate_python({"case_number": case_number, **fields})
    except ValidationError as exc:
        raise InputError(f"{name}: {_problems(exc)}") from None
    work.handle(command, staff)
    return CommandDone(done=name, case_number=case_number)


def _problems(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in exc.errors()
    )
