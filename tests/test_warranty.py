from datetime import date

from traceability_plus.core.genealogy import Kind, Movement
from traceability_plus.core.warranty import (
	NOT_DELIVERED,
	OUT_OF_WARRANTY,
	UNDER_WARRANTY,
	serial_life,
	warranty_expiry_date,
	warranty_status,
)


def test_expiry_is_delivery_plus_the_items_period_unless_recorded():
	assert warranty_expiry_date(date(2026, 1, 10), 30) == date(2026, 2, 9)
	assert warranty_expiry_date(date(2026, 1, 10), 30, recorded_expiry=date(2027, 1, 1)) == date(2027, 1, 1)
	assert warranty_expiry_date(date(2026, 1, 10), 0) is None
	assert warranty_expiry_date(None, 30, recorded_expiry=date(2027, 1, 1)) is None


def test_status_counts_the_last_day_as_under_warranty():
	delivered, expiry = date(2026, 1, 10), date(2026, 2, 9)
	assert warranty_status(delivered, expiry, date(2026, 2, 9)) == UNDER_WARRANTY
	assert warranty_status(delivered, expiry, date(2026, 2, 10)) == OUT_OF_WARRANTY
	assert warranty_status(delivered, None, date(2026, 1, 10)) == OUT_OF_WARRANTY
	assert warranty_status(None, expiry, date(2026, 1, 1)) == NOT_DELIVERED


def move(voucher_no, day, qty, kind, party=None):
	return Movement(
		"X", voucher_no, date(2026, 1, day), "Meter", qty, "Stores", serial_no="SN1", party=party, kind=kind
	)


def test_serial_life_follows_receipt_deliveries_and_returns():
	received = move("PR-1", 1, 1, Kind.RECEIPT, "Acme")
	first_sale = move("DN-1", 2, -1, Kind.DELIVERY, "Alice")
	returned = move("RET-1", 3, 1, Kind.SALES_RETURN, "Alice")
	second_sale = move("DN-2", 4, -1, Kind.DELIVERY, "Bob")

	life = serial_life([received, first_sale, returned, second_sale])
	assert (life.receipt, life.delivery, life.returns) == (received, second_sale, [returned])

	back_in_stock = serial_life([received, first_sale, returned])
	assert back_in_stock.delivery is None
