"""Errors of the planning layer.

SecurecommError
 └── ProgramError               anything wrong with planning input
      ├── ReferenceDataError    program_figures.csv is missing, malformed or lacks a row
      ├── ScenarioError         an unknown scenario name or an impossible parameter value
      ├── AllocationError       an allocation problem with no feasible answer
      └── StatisticsError       the case database cannot be read for the report
"""

from __future__ import annotations

from securecomm.errors import SecurecommError


class ProgramError(SecurecommError):
    """Something is wrong with planning input."""


class ReferenceDataError(ProgramError):
    """The reference figures cannot be read; the message names the file, line and field."""


class ScenarioError(ProgramError):
    """A scenario is unknown or one of its parameters cannot be used."""


class AllocationError(ProgramError):
    """An allocation problem is malformed or has no feasible answer."""


class StatisticsError(ProgramError):
    """The case database cannot be read for the statistics report."""
