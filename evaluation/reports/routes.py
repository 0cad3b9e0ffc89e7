"""Download routes for the Excel exports."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("reports", __name__)
