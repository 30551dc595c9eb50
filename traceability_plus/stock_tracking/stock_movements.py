"""Movements of batches and serial numbers, read from ERPNext's stock ledger for the reports.

Since v15 a voucher row's batches and serial numbers live in its Serial and Batch Bundle,
one Serial and Batch Entry each; stock posted before v15 (or by code that bypasses
bundles) names its batch in Stock Ledger Entry.batch_no and its serial numbers in the
text field Stock Ledger Entry.serial_no. Both are read here, cancelled entries never.
Every query starts from an indexed column (batch_no, serial_no, voucher_no), so its cost
follows the lots asked about, not the size of the ledger.
"""

from collections import defaultdict
from collections.abc import Iterable

import frappe
from frappe import _
from frappe.utils import getdate

from traceability_plus.core.genealogy import (
	BUYING_VOUCHERS,
	SELLING_VOUCHERS,
	WORK_ORDER_PURPOSES,
	Kind,
	Lot,
	Movement,
	Transformation,
	movement_kind,
	transformation_of,
)

SLE = frappe.qb.DocType("Stock Ledger Entry")
ENTRY = frappe.qb.DocType("Serial and Batch Entry")
# Ledger entries posted with the old Batch No / Serial No fields and no bundle.
WITHOUT_BUNDLE = SLE.serial_and_batch_bundle.isnull() | (SLE.serial_and_batch_bundle == "")

# What every movement row reads of its ledger entry.
LEDGER_FIELDS = (
	SLE.voucher_type,
	SLE.voucher_no,
	SLE.posting_date,
	SLE.posting_time,
	SLE.creation,
	SLE.item_code,
	SLE.warehouse,
	SLE.actual_qty,
)

# The voucher fields that say who the stock went to or came from, and whether it is a return.
VOUCHER_FIELDS = {
	**{doctype: ("customer", "is_return") for doctype in SELLING_VOUCHERS},
	**{doctype: ("supplier", "is_return") for doctype in BUYING_VOUCHERS},
	"Subcontracting Receipt": ("supplier", "is_return"),
	"Stock Entry": ("purpose", "work_order", "supplier"),
}


class StockMovements:
	"""Reads movements of lots for one company, remembering what it learnt of each voucher."""

	def __init__(self, company: str, to_date=None):
		self.company = company
		self.to_date = getdate(to_date) if to_date else None
		self._vouchers: dict[tuple[str, str], frappe._dict] = {}
		self.serial_items: set[str] = set()
		# Whether a lot met in a movement is a batch or a serial number, so that the next
		# level of a trace asks only the question that can find it.
		self._lot_is_batch: dict[Lot, bool] = {}

	# Lots -------------------------------------------------------------------------------

	def of_lots(self, lots: Iterable[Lot]) -> list[Movement]:
		"""Every movement of these batches and serial numbers."""
		lots = set(lots)
		# A lot not met yet (a start lot) is looked for as both.
		batch_nos = {number for item, number in lots if self._lot_is_batch.get((item, number), True)}
		serial_nos = {number for item, number in lots if not self._lot_is_batch.get((item, number), False)}
		rows = []
		if batch_nos:
			rows += self._bundle_rows(ENTRY.batch_no.isin(batch_nos))
			rows += self._legacy_batch_rows(SLE.batch_no.isin(batch_nos))
		if serial_nos:
			rows += self._bundle_rows(ENTRY.serial_no.isin(serial_nos))
		rows += self._legacy_serial_rows(lots)
		return [movement for movement in self._movements(rows) if movement.lot in lots]

	def of_transformations(self, transformations: Iterable[Transformation]) -> list[Movement]:
		"""Every tracked movement of the vouchers that make up these transformations."""
		vouchers = {t for t in transformations if t[0] != "Work Order"}
		work_orders = [name for doctype, name in transformations if doctype == "Work Order"]
		if work_orders:
			stock_entry = frappe.qb.DocType("Stock Entry")
			for name in (
				frappe.qb.from_(stock_entry)
				.select(stock_entry.name)
				.where(stock_entry.work_order.isin(work_orders))
				.where(stock_entry.purpose.isin(sorted(WORK_ORDER_PURPOSES)))
				.where(stock_entry.docstatus == 1)
				.run(pluck=True)
			):
				vouchers.add(("Stock Entry", name))
		return self.of_vouchers(vouchers)

	def of_vouchers(self, vouchers: Iterable[tuple[str, str]]) -> list[Movement]:
		vouchers = set(vouchers)
		if not vouchers:
			return []
		voucher_nos = {no for _type, no in vouchers}
		rows = self._bundle_rows(SLE.voucher_no.isin(voucher_nos), from_ledger=True)
		rows += self._legacy_batch_rows(SLE.voucher_no.isin(voucher_nos) & (SLE.batch_no != ""))
		rows += self._legacy_serial_rows_of_vouchers(voucher_nos)
		return [m for m in self._movements(rows) if m.voucher in vouchers]

	# Queries ----------------------------------------------------------------------------

	def _ledger_conditions(self, query):
		query = query.where(SLE.is_cancelled == 0).where(SLE.company == self.company)
		if self.to_date:
			query = query.where(SLE.posting_date <= self.to_date)
		return query

	def _bundle_rows(self, condition, from_ledger: bool = False) -> list[dict]:
		if from_ledger:  # voucher_no is on the ledger side: start there
			query = frappe.qb.from_(SLE).join(ENTRY).on(ENTRY.parent == SLE.serial_and_batch_bundle)
		else:
			query = frappe.qb.from_(ENTRY).join(SLE).on(SLE.serial_and_batch_bundle == ENTRY.parent)
		query = query.select(
			*LEDGER_FIELDS,
			ENTRY.batch_no,
			ENTRY.serial_no,
			ENTRY.qty,
		).where(condition)
		return self._ledger_conditions(query).run(as_dict=True)

	def _legacy_batch_rows(self, condition) -> list[dict]:
		query = (
			frappe.qb.from_(SLE)
			.select(
				*LEDGER_FIELDS,
				SLE.batch_no,
				SLE.actual_qty.as_("qty"),
			)
			.where(condition)
			.where(WITHOUT_BUNDLE)
		)
		return self._ledger_conditions(query).run(as_dict=True)

	def _legacy_serial_rows(self, lots: set[Lot]) -> list[dict]:
		"""Serial numbers posted in the old text field, looked up within their item only."""
		by_item = defaultdict(set)
		for item_code, number in lots:
			if item_code in self.serial_items:
				by_item[item_code].add(number)
		rows = []
		for item_code, serial_nos in by_item.items():
			query = self._legacy_serial_query().where(SLE.item_code == item_code)
			condition = None
			for serial_no in serial_nos:
				like = SLE.serial_no.like(f"%{serial_no}%")
				condition = like if condition is None else condition | like
			rows += _split_legacy_serials(
				self._ledger_conditions(query.where(condition)).run(as_dict=True), serial_nos
			)
		return rows

	def _legacy_serial_rows_of_vouchers(self, voucher_nos: set[str]) -> list[dict]:
		query = self._legacy_serial_query().where(SLE.voucher_no.isin(voucher_nos))
		return _split_legacy_serials(self._ledger_conditions(query).run(as_dict=True))

	def _legacy_serial_query(self):
		return (
			frappe.qb.from_(SLE)
			.select(
				*LEDGER_FIELDS,
				SLE.serial_no.as_("serial_text"),
			)
			.where(SLE.serial_no.isnotnull() & (SLE.serial_no != ""))
			.where(WITHOUT_BUNDLE)
		)

	# Vouchers ---------------------------------------------------------------------------

	def voucher(self, voucher_type: str, voucher_no: str) -> frappe._dict:
		self._load_vouchers([(voucher_type, voucher_no)])
		return self._vouchers[(voucher_type, voucher_no)]

	def _load_vouchers(self, vouchers: Iterable[tuple[str, str]]) -> None:
		missing = defaultdict(set)
		for voucher in vouchers:
			if voucher not in self._vouchers:
				missing[voucher[0]].add(voucher[1])
		for voucher_type, names in missing.items():
			fields = VOUCHER_FIELDS.get(voucher_type, ())
			found = {}
			if fields:
				table = frappe.qb.DocType(voucher_type)
				query = frappe.qb.from_(table).select(table.name, *(table[f] for f in fields))
				found = {row.name: row for row in query.where(table.name.isin(names)).run(as_dict=True)}
			for name in names:
				self._vouchers[(voucher_type, name)] = found.get(name) or frappe._dict()

	def _movements(self, rows: list[dict]) -> list[Movement]:
		rows = _net_count_rows(rows)
		rows.sort(key=lambda row: (row.posting_date, row.posting_time, row.creation))
		self._load_vouchers((row.voucher_type, row.voucher_no) for row in rows)
		movements = []
		for row in rows:
			voucher = self._vouchers[(row.voucher_type, row.voucher_no)]
			qty = row.qty  # signed, as ERPNext sums it for a batch balance
			kind = movement_kind(
				row.voucher_type, qty, bool(voucher.get("is_return")), voucher.get("purpose")
			)
			party_type, party = _party(row.voucher_type, voucher)
			if row.get("serial_no"):
				self.serial_items.add(row.item_code)
			movement = Movement(
				voucher_type=row.voucher_type,
				voucher_no=row.voucher_no,
				posting_date=getdate(row.posting_date),
				item_code=row.item_code,
				qty=qty,
				warehouse=row.warehouse,
				batch_no=row.get("batch_no") or None,
				serial_no=row.get("serial_no") or None,
				party_type=party_type,
				party=party,
				kind=kind,
				transformation=transformation_of(
					row.voucher_type,
					row.voucher_no,
					purpose=voucher.get("purpose"),
					work_order=voucher.get("work_order"),
					is_return=bool(voucher.get("is_return")),
				),
			)
			self._lot_is_batch[movement.lot] = bool(movement.batch_no)
			movements.append(movement)
		return movements


def _party(voucher_type: str, voucher: frappe._dict) -> tuple[str | None, str | None]:
	if voucher.get("customer"):
		return "Customer", voucher.customer
	if voucher.get("supplier"):
		return "Supplier", voucher.supplier
	return None, None


def _net_count_rows(rows: list[dict]) -> list[dict]:
	"""A Stock Reconciliation takes out the stock it found and puts in the stock counted: one
	row of the difference per lot and warehouse says what the count changed; none if nothing."""
	netted: dict[tuple, dict] = {}
	kept = []
	for row in rows:
		if row.voucher_type != "Stock Reconciliation":
			kept.append(row)
			continue
		key = (row.voucher_no, row.item_code, row.get("batch_no"), row.get("serial_no"), row.warehouse)
		if key in netted:
			netted[key].qty += row.qty
		else:
			netted[key] = frappe._dict(row)
	return kept + [row for row in netted.values() if abs(row.qty) > 1e-9]


def _split_legacy_serials(rows: list[dict], wanted: set[str] | None = None) -> list[dict]:
	"""One row per serial number of the old newline-separated field, each of quantity 1."""
	split = []
	for row in rows:
		for serial_no in (row.pop("serial_text") or "").split():
			if wanted is None or serial_no in wanted:
				split.append(frappe._dict(row, serial_no=serial_no, qty=1 if row.actual_qty > 0 else -1))
	return split


def kind_label(kind: str) -> str:
	"""What a movement is, in the user's language."""
	return {
		Kind.RECEIPT: _("Receipt"),
		Kind.PRODUCTION: _("Production"),
		Kind.CONSUMPTION: _("Consumption"),
		Kind.DELIVERY: _("Delivery"),
		Kind.SALES_RETURN: _("Sales Return"),
		Kind.PURCHASE_RETURN: _("Purchase Return"),
		Kind.ADJUSTMENT: _("Stock Reconciliation"),
		Kind.TRANSFER: _("Transfer"),
	}.get(kind, _("Other"))
