"""Movements for the pure tests, as the Frappe side reads them from the ledger."""

from datetime import date

from traceability_plus.core.genealogy import Movement


def move(
	voucher, item, lot, qty, kind, party=None, day=1, warehouse="Stores", transformation=False, serial=False
):
	"""A movement of `lot`; the party is a supplier on purchase receipts, a customer elsewhere."""
	voucher_type, voucher_no = voucher
	party_type = None
	if party:
		party_type = "Supplier" if voucher_type == "Purchase Receipt" else "Customer"
	return Movement(
		voucher_type=voucher_type,
		voucher_no=voucher_no,
		posting_date=date(2026, 3, day),
		item_code=item,
		qty=qty,
		warehouse=warehouse,
		batch_no=None if serial else lot,
		serial_no=lot if serial else None,
		party_type=party_type,
		party=party,
		kind=kind,
		transformation=voucher if transformation else None,
	)
