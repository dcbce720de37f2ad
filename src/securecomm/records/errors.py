"""Errors of the record systems.

SecurecommError
 └── RecordsError                 something asked of the record systems cannot be done
      ├── InvalidOriError         an ORI is not 9 letters/digits
      ├── UnknownAgencyError      no agency has that ORI (404)
      ├── UnknownIdentityError    no identity has that FBI number / FIN / subject id (404)
      ├── DuplicateRecordError    the record already exists (409)
      ├── InvalidRecordError      a field of a record has a value that cannot be used
      └── PopulationConfigError   a population mix does not add up or is out of range
"""

from __future__ import annotations

from securecomm.errors import SecurecommError


class RecordsError(SecurecommError):
    """Something asked of the record systems cannot be done."""


class InvalidOriError(RecordsError):
    """An ORI (originating agency identifier) is not nine letters or digits."""


class UnknownAgencyError(RecordsError):
    """No agency is registered with this ORI."""


class UnknownIdentityError(RecordsError):
    """No record is held under this identifier."""


class DuplicateRecordError(RecordsError):
    """A record with this identifier is already held."""


class InvalidRecordError(RecordsError):
    """A field of a record has a value that cannot be used; the message names the field."""


class PopulationConfigError(RecordsError):
    """A population mix does not add up to one or has a share outside [0, 1]."""
