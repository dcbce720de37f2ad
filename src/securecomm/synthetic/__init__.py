"""The synthetic world: people, prints, records, agencies and accounts that are invented and
marked so (``synthetic=True`` on every row; never real people's names).

- ``world``: the galleries' background, the cast of subjects with their stories, and the EBTS
  bookings a jail sends for them;
- ``accounts``: the console accounts of the world's field office and jail, one per role;
- ``population``: a synthetic national population for the record systems at scale, with each
  person's ground truth (``securecomm population seed``; benchmarks and calibration);
- ``home``: the world seeded into a ``SECURECOMM_HOME`` (``securecomm world seed``), and the
  fresh bookings its subjects get there (``securecomm world booking K``);
- ``casework``: the officers' work on the world's cases through the case-work API;
- ``history``: five months of the world's cases for the console (``securecomm world seed
  --history``): its console cast booked through the real pipeline, each case worked to its stage;
- ``system_run``: ``serve`` and ``worker`` as processes on a home, and a jail's client for them.

This package sits with the entry points (``cli``, ``api``, ``web``): it may use every layer,
and it reaches them only through their public functions, as a user of the system would.
"""
