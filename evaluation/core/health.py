"""`/healthz`: what a load balancer asks before sending a server traffic.

It answers without a session, a template or the database, so it also serves `make bench` as
the floor of a request through the same server: whatever a page costs above it is the page's.
"""

from __future__ import annotations

from flask import Blueprint, Response

blueprint = Blueprint("health", __name__)


@blueprint.route("/healthz")
def healthz() -> Response:
    return Response("ok\n", mimetype="text/plain")
