"""What the period scores and the annual procedure share: two-place points and the version
check that turns a stale save ("changed, reload") into a Conflict before anything changes."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _

from evaluation.core.errors import Conflict

TWO_PLACES = Decimal("0.01")


def _decimal(value: float) -> Decimal:
    return Decimal(str(value)).quantize(TWO_PLACES)


def _check_version(current: int, seen: int | None) -> None:
    if seen is not None and seen != current:
        raise Conflict(_("Hồ sơ vừa được người khác thay đổi. Hãy tải lại trang để xem bản mới."))
