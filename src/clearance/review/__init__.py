"""The counsel review web app: queue, evidence, decisions into the ledger, audit.

Needs the `review` extra (FastAPI, uvicorn, argon2-cffi, DuckDB). Start it with
`clearance review runs/NAME`; see the README's "Counsel review" section.
"""

from clearance.review.app import NOT_LEGAL_ADVICE, ReviewConfig, create_app
from clearance.review.filters import Filters
from clearance.review.queries import RunIndex
from clearance.review.users import Role, UserStore, default_users

__all__ = [
    "NOT_LEGAL_ADVICE",
    "Filters",
    "ReviewConfig",
    "Role",
    "RunIndex",
    "UserStore",
    "create_app",
    "default_users",
]
