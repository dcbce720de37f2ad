"""HTTP statuses are decided at the edge (``api.statuses``): library errors carry none, every
name in the table is a real error class, and each error gets the status its kind calls for."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import securecomm
from securecomm.api.statuses import DEFAULT_STATUS, STATUS_BY_ERROR, status_of
from securecomm.errors import SecurecommError

LIBRARIES = ("afis", "ansinist", "records", "interop", "enforcement", "program", "store")


def _error_modules():
    for info in pkgutil.walk_packages(securecomm.__path__, "securecomm."):
        top = info.name.split(".")[1]
        if top in LIBRARIES and info.name.endswith("errors"):
            yield importlib.import_module(info.name)


def test_no_library_error_declares_an_http_status() -> None:
    modules = list(_error_modules())
    assert len(modules) >= 6, "the walk must see the libraries' errors modules"
    declaring = [
        f"{m.__name__}.{name}"
        for m in modules
        for name, cls in inspect.getmembers(m, inspect.isclass)
        if issubclass(cls, SecurecommError) and "status_code" in cls.__dict__
    ]
    assert declaring == []
    assert "status_code" not in SecurecommError.__dict__


@pytest.mark.parametrize("name", sorted(STATUS_BY_ERROR))
def test_every_named_class_exists(name: str) -> None:
    module, _, qualname = name.rpartition(".")
    cls = getattr(importlib.import_module(module), qualname)
    assert inspect.isclass(cls) and issubclass(cls, SecurecommError)


def test_status_of_each_kind() -> None:
    from securecomm.afis.search.errors import GalleryLockedError
    from securecomm.ansinist.errors import AnsiNistError
    from securecomm.api.errors import NotAuthenticatedError, SubmissionTooLargeError
    from securecomm.enforcement.errors import (
        CitizenshipGateError,
        InputError,
        PermissionDeniedError,
        UnknownCaseError,
    )
    from securecomm.interop.errors import ComponentUnavailableError, DuplicateTcnError
    from securecomm.web.errors import FormError, SignInThrottledError

    assert status_of(UnknownCaseError("x")) == 404
    assert status_of(PermissionDeniedError("x", rule="permission")) == 403
    assert status_of(CitizenshipGateError("x")) == 409, "a safeguard's subclass inherits 409"
    assert status_of(InputError("x")) == DEFAULT_STATUS == 400
    assert status_of(AnsiNistError("x")) == 400
    assert status_of(DuplicateTcnError("x")) == 409
    assert status_of(ComponentUnavailableError("x")) == 503
    assert status_of(GalleryLockedError("x")) == 409
    assert status_of(NotAuthenticatedError("x")) == 401
    assert status_of(SubmissionTooLargeError("x")) == 413
    assert status_of(FormError("x")) == 422
    assert status_of(SignInThrottledError("x", retry_after=3)) == 429
