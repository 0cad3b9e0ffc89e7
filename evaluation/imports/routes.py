"""Upload, preview and confirm routes for the Excel imports."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("imports", __name__)
