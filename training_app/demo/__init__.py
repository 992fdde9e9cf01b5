"""Demo data for trying the system, loaded by `flask demo`; nothing the app needs to run.

Deterministic and idempotent: people (people.py), then the catalogue (catalogue.py), then
a document design with partner logos (designs.py), then registrations, attendance and
documents (activity.py), then answered evaluations, then this
year's needs call and approved annual plan (planning.py).
"""

from .activity import load_demo_activity
from .catalogue import load_demo_catalogue
from .designs import load_demo_designs
from .evaluation import load_demo_evaluations
from .people import DEMO_DOMAIN, load_demo_people
from .planning import load_demo_planning


def load_demo_data() -> dict:
    """Add the demo people, catalogue and activity unless they exist; returns what was added."""
    people = load_demo_people()
    catalogue = load_demo_catalogue(DEMO_DOMAIN)
    designs = load_demo_designs()  # before activity: its documents are issued with it
    activity = load_demo_activity(DEMO_DOMAIN)
    evaluations = load_demo_evaluations()
    planning = load_demo_planning()
    return {**people, **catalogue, **designs, **activity, **evaluations, **planning}
