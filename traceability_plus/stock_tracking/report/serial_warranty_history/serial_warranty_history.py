# Copyright (c) 2026, Traceability Plus developers
# For license information, please see license.txt

"""Serial Warranty History: for each serial number, where it came from, which customer
has it, until when it is under warranty, and every return, warranty claim and
maintenance visit on it; for one serial number, its whole timeline."""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import cint, getdate, nowdate

from traceability_plus.core.genealogy import SELLING_VOUCHERS, Movement
from traceability_plus.core.warranty import (
	NOT_DELIVERED,
	OUT_OF_WARRANTY,
	UNDER_WARRANTY,
	serial_life,
	warranty_expiry_date,
	warranty_status,
)
from traceability_plus.stock_tracking.stock_movements import StockMovements, kind_label
from traceability_plus.traceability_setup.records import (
	hidden_rows_message,
	permitted_warehouses,
	readable_names,
	require_company,
)
from traceability_plus.traceability_setup.report_columns import (
	column,
	party_columns,
	serial_column,
	shown_as_text,
	voucher_columns,
)

SERIAL_NO_LIMIT = 5000  # serial numbers per run; narrow the filters for more


def execute(filters: dict | None = None):
	filters = validate_filters(frappe._dict(filters or {}))
	if filters.serial_no:
		history = serial_histories(filters, [filters.serial_no])[0]
		return (
			timeline_columns(),
			timeline_rows(history),
			hidden_rows_message(history.hidden),
			None,
			serial_summary(history),
		)
	serial_nos = serials_in_scope(filters)
	histories = serial_histories(filters, serial_nos)
	return (
		summary_columns(),
		[summary_row(h) for h in histories],
		hidden_rows_message(sum(h.hidden for h in histories)),
	)


def validate_filters(filters: frappe._dict) -> frappe._dict:
	require_company(filters)
	if not (filters.serial_no or filters.item_code or filters.customer):
		frappe.throw(_("Select a Serial No, an Item or a Customer."), title=_("Filter Missing"))
	if filters.serial_no:
		if not frappe.db.exists("Serial No", filters.serial_no):
			frappe.throw(
				_("Serial No {0} does not exist.").format(filters.serial_no), frappe.DoesNotExistError
			)
		frappe.has_permission("Serial No", "read", filters.serial_no, throw=True)
	return filters


@frappe.read_only()
def serials_in_scope(filters) -> list[str]:
	"""Serial numbers of the item, or that ever went to the customer, or both."""
	serial_no = frappe.qb.DocType("Serial No")
	candidates = None
	if filters.item_code:
		candidates = set(
			frappe.qb.from_(serial_no)
			.select(serial_no.name)
			.where(serial_no.item_code == filters.item_code)
			.limit(SERIAL_NO_LIMIT + 1)
			.run(pluck=True)
		)
	if filters.customer:
		delivered = serials_delivered_to(filters.company, filters.customer)
		candidates = delivered if candidates is None else candidates & delivered
	if len(candidates) > SERIAL_NO_LIMIT:
		frappe.throw(
			_("More than {0} serial numbers match. Narrow the filters.").format(SERIAL_NO_LIMIT),
			title=_("Too Many Serial Numbers"),
		)
	permitted = set(
		frappe.get_list(
			"Serial No", filters={"name": ("in", list(candidates))}, pluck="name", limit_page_length=0
		)
	)
	return sorted(candidates & permitted)


def serials_delivered_to(company: str, customer: str) -> set[str]:
	"""Serial numbers on any stock-updating selling voucher of the customer."""
	sle = frappe.qb.DocType("Stock Ledger Entry")
	entry = frappe.qb.DocType("Serial and Batch Entry")
	serial_nos: set[str] = set()
	for doctype in SELLING_VOUCHERS:
		vouchers = frappe.get_all(
			doctype, filters={"customer": customer, "company": company, "docstatus": 1}, pluck="name"
		)
		if not vouchers:
			continue
		serial_nos |= set(
			frappe.qb.from_(sle)
			.join(entry)
			.on(entry.parent == sle.serial_and_batch_bundle)
			.select(entry.serial_no)
			.where(sle.voucher_type == doctype)
			.where(sle.voucher_no.isin(vouchers))
			.where(sle.is_cancelled == 0)
			.where(entry.serial_no.isnotnull() & (entry.serial_no != ""))
			.run(pluck=True)
		)
	return serial_nos


@frappe.read_only()
def serial_histories(filters, serial_nos: list[str]) -> list[frappe._dict]:
	"""Each serial number with its movements, claims, visits and warranty."""
	if not serial_nos:
		return []
	today = getdate(nowdate())
	serial_table = frappe.qb.DocType("Serial No")
	item = frappe.qb.DocType("Item")
	serials = (
		frappe.qb.from_(serial_table)
		.join(item)
		.on(item.name == serial_table.item_code)
		.select(
			serial_table.name,
			serial_table.item_code,
			serial_table.warranty_expiry_date,
			item.warranty_period,
		)
		.where(serial_table.name.isin(serial_nos))
		.run(as_dict=True)
	)
	reader = StockMovements(filters.company)
	reader.serial_items.update(row.item_code for row in serials)
	movements_of: dict[str, list[Movement]] = defaultdict(list)
	for movement in reader.of_lots({(row.item_code, row.name) for row in serials}):
		movements_of[movement.serial_no].append(movement)
	claims = warranty_claims(serial_nos)
	visits = maintenance_visits(serial_nos)
	# What the user may read: movements of their warehouses, claims and visits they may open.
	warehouses = set(permitted_warehouses(filters.company))
	readable = readable_names("Warranty Claim", {c.name for rows in claims.values() for c in rows})
	readable |= readable_names("Maintenance Visit", {v.name for rows in visits.values() for v in rows})

	histories = []
	for serial in sorted(serials, key=lambda row: row.name):
		life = serial_life(movements_of[serial.name])
		delivered_on = life.delivery.posting_date if life.delivery else None
		expiry = warranty_expiry_date(
			delivered_on,
			cint(serial.warranty_period),
			getdate(serial.warranty_expiry_date) if serial.warranty_expiry_date else None,
		)
		movements = movements_of[serial.name]
		serial_claims, serial_visits = claims.get(serial.name, []), visits.get(serial.name, [])
		shown_movements = [m for m in movements if m.warehouse in warehouses]
		shown_claims = [c for c in serial_claims if c.name in readable]
		shown_visits = [v for v in serial_visits if v.name in readable]
		histories.append(
			frappe._dict(
				serial_no=serial.name,
				item_code=serial.item_code,
				# The warranty follows the whole life; only what the user may read is listed.
				movements=shown_movements,
				life=life,
				warranty_expiry_date=expiry,
				warranty_status=warranty_status(delivered_on, expiry, today),
				claims=shown_claims,
				visits=shown_visits,
				hidden=len(movements)
				+ len(serial_claims)
				+ len(serial_visits)
				- len(shown_movements)
				- len(shown_claims)
				- len(shown_visits),
			)
		)
	return histories


def warranty_claims(serial_nos: list[str]) -> dict[str, list]:
	claim = frappe.qb.DocType("Warranty Claim")
	rows = (
		frappe.qb.from_(claim)
		.select(
			claim.name, claim.serial_no, claim.complaint_date, claim.customer, claim.status, claim.complaint
		)
		.where(claim.serial_no.isin(serial_nos))
		.where(claim.docstatus < 2)
		.orderby(claim.complaint_date)
		.run(as_dict=True)
	)
	return by_serial_no(rows)


def maintenance_visits(serial_nos: list[str]) -> dict[str, list]:
	visit = frappe.qb.DocType("Maintenance Visit")
	purpose = frappe.qb.DocType("Maintenance Visit Purpose")
	rows = (
		frappe.qb.from_(purpose)
		.join(visit)
		.on(visit.name == purpose.parent)
		.select(
			visit.name,
			purpose.serial_no,
			visit.mntc_date,
			visit.customer,
			visit.completion_status,
			purpose.work_done,
		)
		.where(purpose.serial_no.isin(serial_nos))
		.where(visit.docstatus == 1)
		.orderby(visit.mntc_date)
		.run(as_dict=True)
	)
	return by_serial_no(rows)


def by_serial_no(rows: list) -> dict[str, list]:
	grouped = defaultdict(list)
	for row in rows:
		grouped[row.serial_no].append(row)
	return grouped


def summary_row(history) -> dict:
	receipt, delivery = history.life.receipt, history.life.delivery
	return {
		"serial_no": history.serial_no,
		"item_code": history.item_code,
		"supplier": receipt.party if receipt and receipt.party_type == "Supplier" else None,
		"receipt_date": receipt.posting_date if receipt else None,
		"receipt_voucher_type": receipt.voucher_type if receipt else None,
		"receipt_voucher_no": receipt.voucher_no if receipt else None,
		"customer": delivery.party if delivery else None,
		"delivery_voucher_type": delivery.voucher_type if delivery else None,
		"delivery_voucher_no": delivery.voucher_no if delivery else None,
		"delivery_date": delivery.posting_date if delivery else None,
		"warranty_expiry_date": history.warranty_expiry_date,
		"warranty_status": warranty_status_label(history.warranty_status),
		"returns": len(history.life.returns),
		"warranty_claims": len(history.claims),
		"maintenance_visits": len(history.visits),
	}


def warranty_status_label(status: str) -> str:
	return {
		UNDER_WARRANTY: _("Under Warranty"),
		OUT_OF_WARRANTY: _("Out of Warranty"),
		NOT_DELIVERED: _("Not Delivered"),
	}[status]


def timeline_rows(history) -> list[dict]:
	"""Stock movements, warranty claims and maintenance visits of one serial, by date."""
	events = [
		{
			"date": movement.posting_date,
			"event": kind_label(movement.kind),
			"voucher_type": movement.voucher_type,
			"voucher_no": movement.voucher_no,
			"warehouse": movement.warehouse,
			"party_type": movement.party_type,
			"party": movement.party,
			"details": None,
		}
		for movement in history.movements
	]
	events += [
		{
			"date": getdate(claim.complaint_date),
			"event": _("Warranty Claim"),
			"voucher_type": "Warranty Claim",
			"voucher_no": claim.name,
			"party_type": "Customer",
			"party": claim.customer,
			"details": shown_as_text(f"{_(claim.status)}: {claim.complaint or ''}"),
		}
		for claim in history.claims
	]
	events += [
		{
			"date": getdate(visit.mntc_date),
			"event": _("Maintenance Visit"),
			"voucher_type": "Maintenance Visit",
			"voucher_no": visit.name,
			"party_type": "Customer",
			"party": visit.customer,
			"details": shown_as_text(f"{_(visit.completion_status)}: {visit.work_done or ''}"),
		}
		for visit in history.visits
	]
	# Stable sort: on one day, stock movements keep their ledger order, then claims, visits.
	return sorted(events, key=lambda event: event["date"])


def serial_summary(history) -> list[dict]:
	row = summary_row(history)
	indicator = {UNDER_WARRANTY: "Green", OUT_OF_WARRANTY: "Red"}.get(history.warranty_status, "Grey")
	return [
		{
			"label": _("Warranty Status"),
			"value": row["warranty_status"],
			"datatype": "Data",
			"indicator": indicator,
		},
		{"label": _("Warranty Expiry Date"), "value": row["warranty_expiry_date"], "datatype": "Date"},
		{"label": _("Customer"), "value": row["customer"] or "-", "datatype": "Data"},
		{"label": _("Supplier"), "value": row["supplier"] or "-", "datatype": "Data"},
		{"label": _("Returns"), "value": row["returns"], "datatype": "Int"},
		{"label": _("Warranty Claims"), "value": row["warranty_claims"], "datatype": "Int"},
		{"label": _("Maintenance Visits"), "value": row["maintenance_visits"], "datatype": "Int"},
	]


def summary_columns() -> list[dict]:
	return [
		serial_column(),
		column(_("Item"), "item_code", "Link", "Item", 150),
		column(_("Supplier"), "supplier", "Link", "Supplier", 150),
		column(_("Receipt Date"), "receipt_date", "Date", width=100),
		column(_("Receipt Voucher Type"), "receipt_voucher_type", "Data", width=130),
		column(_("Receipt Voucher"), "receipt_voucher_no", "Dynamic Link", "receipt_voucher_type", 160),
		column(_("Customer"), "customer", "Link", "Customer", 150),
		column(_("Delivery Voucher Type"), "delivery_voucher_type", "Data", width=130),
		column(_("Delivery Voucher"), "delivery_voucher_no", "Dynamic Link", "delivery_voucher_type", 160),
		column(_("Delivery Date"), "delivery_date", "Date", width=100),
		column(_("Warranty Expiry Date"), "warranty_expiry_date", "Date", width=110),
		column(_("Warranty Status"), "warranty_status", width=120),
		column(_("Returns"), "returns", "Int", width=70),
		column(_("Warranty Claims"), "warranty_claims", "Int", width=90),
		column(_("Maintenance Visits"), "maintenance_visits", "Int", width=90),
	]


def timeline_columns() -> list[dict]:
	return [
		column(_("Date"), "date", "Date", width=100),
		column(_("Event"), "event", width=150),
		*voucher_columns(),
		column(_("Warehouse"), "warehouse", "Link", "Warehouse", 150),
		*party_columns(),
		column(_("Details"), "details", width=250),
	]
