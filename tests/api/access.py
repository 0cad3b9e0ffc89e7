"""The API's rows of the access table: who (a token of a scope on a subtree, or a browser's
session) may do what to whose object. `tests/test_authorization.py` counts these endpoints
as covered; `tests/api/test_api_authorization.py` runs the grids.

Columns are whose object: `staff` (in the division), `colleague` (another division of the
same agency), `stranger` (another agency). Rows are callers:

    read@agency   a read token for the agency's subtree
    write@agency  a write token for the agency's subtree
    write@div     a write token for the division only
    revoked       a write token for the agency, revoked
    none          no token, no session
    staff         the division's staff member, signed in (the browser's session)
    head          the division's head, signed in

A cell is the status code; `ok` is 200.
"""

from __future__ import annotations

CALLERS = ("read@agency", "write@agency", "write@div", "revoked", "none", "staff", "head")

# Reads of one object: method, URL of the owner `o` (a dict of ids), grid.
ON: dict[str, tuple[str, str, str]] = {
    "api.person": (
        "GET",
        "/api/v1/people/{o[person]}",
        """
              staff colleague stranger
read@agency    ok     ok        404
write@agency   ok     ok        404
write@div      ok     404       404
revoked        401    401       401
none           401    401       401
staff          ok     404       404
head           ok     404       404
""",
    ),
    "api.plan": (
        "GET",
        "/api/v1/plans/{o[plan]}",
        """
              staff colleague stranger
read@agency    ok     ok        404
write@agency   ok     ok        404
write@div      ok     404       404
revoked        401    401       401
none           401    401       401
staff          ok     404       404
head           ok     404       404
""",
    ),
    "api.unit": (
        "GET",
        "/api/v1/units/{o[unit]}",
        """
              staff colleague stranger
read@agency    ok     ok        404
write@agency   ok     ok        404
write@div      ok     404       404
revoked        401    401       401
none           401    401       401
staff          404    404       404
head           ok     404       404
""",
    ),
    "api.push_task": (
        "POST",
        "/api/v1/tasks",
        """
              staff colleague stranger
read@agency    403    403       403
write@agency   201    201       422
write@div      201    422       422
revoked        401    401       401
none           401    401       401
staff          403    403       403
head           403    403       403
""",
    ),
    "api.push_rating": (
        "POST",
        "/api/v1/satisfaction-ratings",
        """
              staff colleague stranger
read@agency    403    403       403
write@agency   201    201       422
write@div      201    422       422
revoked        401    401       401
none           401    401       401
staff          403    403       403
head           403    403       403
""",
    ),
}

# Lists: every caller that may read gets a page (filtered by its reach, tested elsewhere).
LISTS = {
    "api.units": "/api/v1/units",
    "api.people": "/api/v1/people",
    "api.plans": "/api/v1/plans",
    "api.period_scores": "/api/v1/period-scores?year=2026",
    "api.evaluations": "/api/v1/evaluations?year=2026",
    "api.unit_results": "/api/v1/unit-results?period=2026-03",
    "api.rankings": "/api/v1/rankings?period=2026-03",
    "api.emulation_proposals": "/api/v1/emulation-proposals?year=2026",
}
LIST_ROW = {"read@agency": 200, "write@agency": 200, "write@div": 200, "revoked": 401,
            "none": 401, "staff": 200, "head": 200}  # fmt: skip

# The administrator's token page: only the administrator (tests/api/test_tokens_page.py).
PAGES = ("api_tokens.tokens", "api_tokens.revoke")

COVERED = frozenset({*ON, *LISTS, *PAGES})
