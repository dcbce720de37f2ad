"""The synthetic population: people who pass through jails, with criminal and immigration
histories and booking events, generated from a seed (issue 4 item 5).

Nothing here is about real people: names are built from syllables, dates are drawn at random,
and every generated row is marked ``synthetic``. The mix of statuses and histories is set in
``parameters.py``, calibrated where ``shared/data/reference/program_figures.csv`` has a figure.
"""

from securecomm.synthetic.population.generator import generate_population
from securecomm.synthetic.population.models import BookingEvent, SyntheticPerson, TrueStatus
from securecomm.synthetic.population.parameters import PopulationParameters, StatusMix
from securecomm.synthetic.population.seeding import seed_population

__all__ = [
    "BookingEvent",
    "PopulationParameters",
    "StatusMix",
    "SyntheticPerson",
    "TrueStatus",
    "generate_population",
    "seed_population",
]
