from datetime import date

import pytest

from traceability_plus.core.expiry import ExpiryStatus, days_to_expiry, expiry_status, is_expired

EXPIRY = date(2026, 3, 31)


@pytest.mark.parametrize(
	"on, expired",
	[
		(date(2026, 3, 30), False),
		(date(2026, 3, 31), False),
		(date(2026, 4, 1), True),
		(date(2027, 1, 1), True),
	],
)
def test_the_expiry_date_is_the_last_usable_day(on, expired):
	assert is_expired(EXPIRY, on) is expired


def test_no_expiry_date_never_expires():
	assert is_expired(None, date(2999, 1, 1)) is False
	assert days_to_expiry(None, date(2026, 1, 1)) is None


def test_days_to_expiry():
	assert days_to_expiry(EXPIRY, date(2026, 3, 1)) == 30
	assert days_to_expiry(EXPIRY, EXPIRY) == 0
	assert days_to_expiry(EXPIRY, date(2026, 4, 2)) == -2


@pytest.mark.parametrize(
	"on, status",
	[
		(date(2026, 4, 1), ExpiryStatus.EXPIRED),
		(date(2026, 3, 31), ExpiryStatus.EXPIRING_SOON),
		(date(2026, 3, 1), ExpiryStatus.EXPIRING_SOON),  # exactly 30 days ahead
		(date(2026, 2, 28), ExpiryStatus.VALID),
	],
)
def test_expiry_status_with_a_30_day_alert(on, status):
	assert expiry_status(EXPIRY, on, alert_days=30) is status


def test_expiry_status_without_expiry_date():
	assert expiry_status(None, date(2026, 1, 1), alert_days=30) is ExpiryStatus.NO_EXPIRY


def test_stock_status_expired_outranks_a_hold_which_outranks_the_rest():
	from traceability_plus.core.expiry import ON_HOLD, stock_status

	today = date(2026, 3, 10)
	assert stock_status(date(2026, 3, 9), today, 30, on_hold=True) == "Expired"
	assert stock_status(date(2026, 3, 20), today, 30, on_hold=True) == ON_HOLD
	assert stock_status(None, today, 30, on_hold=True) == ON_HOLD
	assert stock_status(date(2026, 3, 20), today, 30, on_hold=False) == "Expiring Soon"
	assert stock_status(None, today, 30, on_hold=False) == "No Expiry"


def _fefo(batches):
	from traceability_plus.core.expiry import first_expiry_first_out

	return [name for name, _expiry in first_expiry_first_out(batches, lambda batch: batch[1])]


def test_fefo_without_expiry_dates_keeps_first_in_first_out():
	assert _fefo([("B-01", None), ("B-02", None), ("B-03", None)]) == ["B-01", "B-02", "B-03"]


def test_fefo_equal_expiry_dates_go_oldest_first():
	same = date(2027, 1, 1)
	assert _fefo([("B-01", same), ("B-02", same), ("B-00", date(2026, 12, 1))]) == ["B-00", "B-01", "B-02"]


def test_fefo_mixed_dated_batches_first_then_undated_in_their_order():
	batches = [
		("OLD-NONE", None),
		("LATE", date(2027, 6, 1)),
		("NEW-NONE", None),
		("SOON", date(2026, 12, 15)),
		("LATE-TOO", date(2027, 6, 1)),
	]
	assert _fefo(batches) == ["SOON", "LATE", "LATE-TOO", "OLD-NONE", "NEW-NONE"]
