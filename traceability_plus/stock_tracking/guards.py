"""Held or expired stock never leaves.

Every outward movement in ERPNext v15+ goes through an outward Serial and Batch Bundle:
Delivery Notes, Sales and POS Invoices that update stock, every Stock Entry purpose,
and the bundles ERPNext builds itself when it picks batches automatically at submit.
Checking the bundle when it is submitted covers them all in one place; Pick List, which
reserves stock without moving it, and POS Invoice, whose stock ledger comes later with
the POS closing, are checked on their own submit.

Allowed on purpose: returns to the supplier (held stock must be able to go back), stock
counts (a Stock Reconciliation only corrects what is there), transfers into the
quarantine warehouse of Traceability Settings and Material Issues out of it (destroying
what was set aside). An expired batch is never sold, whatever the settings.
"""

import frappe
from frappe import _
from frappe.utils import cint, escape_html, format_date, getdate, nowdate

from traceability_plus.core.expiry import is_expired
from traceability_plus.core.stock_balance import lowest_running_balance
from traceability_plus.stock_tracking.bundles import serials_and_batches_of_row
from traceability_plus.traceability_setup.doctype.traceability_settings.traceability_settings import (
	get_traceability_settings,
)

PURCHASE_VOUCHERS = ("Purchase Receipt", "Purchase Invoice", "Subcontracting Receipt")
# Vouchers that sell or pick for a customer: an expired batch never goes out on them.
SELLING_VOUCHERS = ("Delivery Note", "Sales Invoice", "POS Invoice", "Pick List")


def check_outward_bundle(bundle, method=None):
	"""Serial and Batch Bundle on_submit: refuse held or expired stock going out."""
	if (
		bundle.type_of_transaction != "Outward"
		or not (bundle.voucher_type and bundle.voucher_no)
		or is_allowed_outward(bundle)
	):
		return
	check_stock_may_leave(
		batch_nos={row.batch_no for row in bundle.entries if row.batch_no},
		serial_nos={row.serial_no for row in bundle.entries if row.serial_no},
		posting_date=bundle_posting_date(bundle),
		voucher=(bundle.voucher_type, bundle.voucher_no),
	)


def bundle_posting_date(bundle):
	"""The day the bundle's stock leaves: its voucher's posting date where the voucher has one
	(a Pick List, say, has none), else the bundle's own, else today."""
	posting_date = None
	if frappe.get_meta(bundle.voucher_type).has_field("posting_date"):
		posting_date = frappe.db.get_value(bundle.voucher_type, bundle.voucher_no, "posting_date")
	return getdate(posting_date or bundle.get("posting_date") or nowdate())


def check_rows_before_stock_moves(doc, method=None):
	"""before_submit of documents that commit stock before it moves: Pick List (its
	locations) and POS Invoice (the till; its stock ledger comes with the closing entry)."""
	if doc.get("is_return"):
		return
	rows = doc.get("locations") if doc.doctype == "Pick List" else doc.get("items")
	batch_nos, serial_nos = set(), set()
	for row in rows or []:
		row_serial_nos, row_batch_qty = serials_and_batches_of_row(row)
		serial_nos |= row_serial_nos
		batch_nos |= set(row_batch_qty)
	check_stock_may_leave(
		batch_nos, serial_nos, getdate(doc.get("posting_date") or nowdate()), (doc.doctype, doc.name)
	)


def is_allowed_outward(bundle) -> bool:
	if bundle.voucher_type == "Stock Reconciliation":
		return True
	if bundle.voucher_type in PURCHASE_VOUCHERS:
		return bool(frappe.db.get_value(bundle.voucher_type, bundle.voucher_no, "is_return"))
	if bundle.voucher_type == "Stock Entry" and bundle.voucher_detail_no:
		quarantine = get_traceability_settings().quarantine_warehouse
		if not quarantine:
			return False
		source, target = frappe.db.get_value(
			"Stock Entry Detail", bundle.voucher_detail_no, ["s_warehouse", "t_warehouse"]
		)
		if target == quarantine:
			return True
		# Issued out of quarantine is destroyed; consumed into a product it would not be.
		return source == quarantine and (
			frappe.db.get_value("Stock Entry", bundle.voucher_no, "purpose") == "Material Issue"
		)
	return False


def check_stock_may_leave(batch_nos: set[str], serial_nos: set[str], posting_date, voucher: tuple[str, str]):
	"""Throw for the first held batch or serial; throw (or warn) for an expired batch."""
	if serial_nos:
		serials = frappe.get_all(
			"Serial No",
			filters={"name": ("in", list(serial_nos))},
			fields=[
				"name",
				"item_code",
				"batch_no",
				"tp_on_hold",
				"tp_hold_reason",
				"tp_held_by",
				"tp_held_on",
			],
		)
		for serial in serials:
			if serial.tp_on_hold:
				throw_held("Serial No", serial)
		# A serial inherits the hold and expiry of its batch.
		batch_nos |= {serial.batch_no for serial in serials if serial.batch_no}
	if not batch_nos:
		return

	batches = frappe.get_all(
		"Batch",
		filters={"name": ("in", list(batch_nos))},
		fields=[
			"name",
			"item as item_code",
			"expiry_date",
			"tp_on_hold",
			"tp_hold_reason",
			"tp_held_by",
			"tp_held_on",
		],
		order_by="name",
	)
	for batch in batches:
		if batch.tp_on_hold:
			throw_held("Batch", batch)
	expired = [batch for batch in batches if is_expired(batch.expiry_date, posting_date)]
	if not expired:
		return
	settings = get_traceability_settings()
	for batch in expired:
		message = _(
			"Batch {0} of item {1} expired on {2} and cannot leave stock on {3} ({4} {5}). "
			"Pick another batch, or move it to the quarantine warehouse {6}."
		).format(
			frappe.bold(batch.name),
			frappe.bold(batch.item_code),
			format_date(batch.expiry_date),
			format_date(posting_date),
			_(voucher[0]),
			voucher[1],
			frappe.bold(settings.quarantine_warehouse or _("(set one in Traceability Settings)")),
		)
		if voucher[0] in SELLING_VOUCHERS:
			# Never sold, whatever the setting: ERPNext itself refuses an expired batch typed
			# into these vouchers' Batch No, and one rule must hold on every path.
			frappe.throw(
				message
				+ " "
				+ _(
					"Expired stock is never sold or delivered; it leaves through a Stock Entry "
					"(a Material Issue to destroy it, or a transfer)."
				),
				title=_("Expired Batch"),
			)
		if cint(settings.block_expired_outward):
			frappe.throw(message, title=_("Expired Batch"))
		frappe.msgprint(message, title=_("Expired Batch"), indicator="orange")


def throw_held(doctype: str, record):
	frappe.throw(
		_(
			"{0} {1} of item {2} is on hold since {3} by {4}: {5}. "
			"It cannot leave stock until a Stock Manager releases the hold, except into quarantine "
			"or back to the supplier."
		).format(
			_(doctype),
			frappe.bold(record.name),
			frappe.bold(record.item_code),
			format_date(record.tp_held_on),
			record.tp_held_by,
			escape_html(record.tp_hold_reason or ""),  # a user's text inside an HTML message
		),
		title=_("Stock On Hold"),
	)


def check_stock_reconciliation(doc, method=None):
	"""Stock Reconciliation before_submit: a count cannot put a serial number in two places
	or leave a batch's later balance negative."""
	for row in doc.items:
		serial_nos, batch_qty = serials_and_batches_of_row(row)
		if serial_nos:
			elsewhere = frappe.get_all(
				"Serial No",
				filters={
					"name": ("in", list(serial_nos)),
					"warehouse": ("not in", ["", row.warehouse]),
					"status": "Active",
				},
				fields=["name", "warehouse"],
				limit=1,
			)
			if elsewhere:
				frappe.throw(
					_(
						"Row #{0}: Serial No {1} is counted in {2}, but it is in stock in {3}. "
						"Move it with a Material Transfer first, or count it in {3}."
					).format(
						row.idx,
						frappe.bold(elsewhere[0].name),
						row.warehouse,
						frappe.bold(elsewhere[0].warehouse),
					),
					title=_("Serial No In Two Places"),
				)
		for batch_no, qty in batch_qty.items():
			lowest = lowest_later_balance(batch_no, row.warehouse, doc.posting_date, doc.posting_time, qty)
			if lowest < 0:
				frappe.throw(
					_(
						"Row #{0}: counting {1} of batch {2} in {3} on {4} would leave it at {5} after later "
						"movements of that batch. Correct the count or the later transactions."
					).format(
						row.idx,
						qty,
						frappe.bold(batch_no),
						row.warehouse,
						format_date(doc.posting_date),
						lowest,
					),
					title=_("Negative Batch Balance"),
				)


def lowest_later_balance(
	batch_no: str, warehouse: str, posting_date, posting_time, counted_qty: float
) -> float:
	"""The lowest running balance of the batch in the warehouse after a count of `counted_qty`."""
	sle = frappe.qb.DocType("Stock Ledger Entry")
	entry = frappe.qb.DocType("Serial and Batch Entry")
	later = (
		frappe.qb.from_(sle)
		.join(entry)
		.on(entry.parent == sle.serial_and_batch_bundle)
		.select(entry.qty)
		.where(
			(sle.is_cancelled == 0)
			& (sle.warehouse == warehouse)
			& (entry.batch_no == batch_no)
			& (
				(sle.posting_date > posting_date)
				| ((sle.posting_date == posting_date) & (sle.posting_time > posting_time))
			)
		)
		.orderby(sle.posting_date)
		.orderby(sle.posting_time)
		.orderby(sle.creation)
		.run(pluck=True)
	)
	return lowest_running_balance(counted_qty, later)
