# Copyright (c) 2026, Traceability Plus developers
# For license information, please see license.txt

"""Product Recall: trace the bad lots both ways, keep a snapshot of everything they reached,
hold what is left on submit, tell every customer, and measure the recall or the drill."""

import frappe
from frappe import _
from frappe.model import no_value_fields, table_fields
from frappe.model.document import Document
from frappe.utils import (
	escape_html,
	flt,
	now_datetime,
	time_diff_in_seconds,
)

from traceability_plus.core.genealogy import Lot
from traceability_plus.core.recall import (
	BATCH,
	SERIAL_NO,
	UnitQuantities,
	least_effectiveness,
	one_unit_total,
	recovered_per_customer,
)
from traceability_plus.recall.jobs import enqueue_recall_job, progress_reporter
from traceability_plus.recall.notices import draft_notifications, enqueue_draft_notifications
from traceability_plus.recall.snapshot import RecallTrace, build_snapshot, on_hand_of
from traceability_plus.stock_tracking.holds import hold, release
from traceability_plus.stock_tracking.stock_movements import StockMovements
from traceability_plus.traceability_setup.doctype.traceability_settings.traceability_settings import (
	get_traceability_settings,
)
from traceability_plus.traceability_setup.field_values import changed_fields

MOCK_RECALL = "Mock Recall"
# A trace that reaches more customers than this builds its snapshot in a background job.
TRACE_IN_BACKGROUND_ABOVE = 200
SNAPSHOT_TABLES = ("affected_lots", "stock", "customers", "shipments", "suppliers", "quantities")
SNAPSHOT_FIELDS = (
	"affected_lot_count",
	"customer_count",
	"supplier_count",
	"qty_shipped",
	"qty_on_hand",
	"accounted_share",
	"unexplained_qty",
)
# What Trace writes besides the snapshot: evidence of when and of which lots.
TRACE_FIELDS = (*SNAPSHOT_FIELDS, "traced_on", "traced_lots_key", "time_to_trace")
# What a user may change on a submitted recall; its actions (close-out, notices) write the rest.
USER_EDITABLE_AFTER_SUBMIT = {"close_note", "destroyed_qty"}


class ProductRecall(Document):
	def validate(self):
		self.validate_start_lots()
		if self.is_mock:
			self.severity = None
		if self.docstatus == 0:
			self.trace()
			self.status = "Tracing" if self.flags.trace_in_background else self.draft_status()

	def before_update_after_submit(self):
		before = self.get_doc_before_save()
		if before and [row.customer for row in before.customers] != [row.customer for row in self.customers]:
			frappe.throw(
				_(
					"The affected customers are the ones the recall traced: none can be added or removed after submit."
				)
			)
		if before and not self.flags.recall_action:
			self.check_only_user_fields_changed(before)

	def check_only_user_fields_changed(self, before):
		"""A request that saves a submitted recall may change the close note and the destroyed
		quantities; statuses, notifications and figures come from the recall's own actions."""
		changed = [
			self.meta.get_label(fieldname)
			for fieldname in changed_fields(self.meta, before, self, allowed_on_submit_fields(self.meta))
		]
		for row, before_row in zip(self.customers, before.customers, strict=True):
			changed += [
				_("Customers row #{0}: {1}").format(row.idx, _(row.meta.get_label(fieldname)))
				for fieldname in changed_fields(row.meta, before_row, row, allowed_on_submit_fields(row.meta))
			]
		if len(self.quantities) != len(before.quantities) or any(
			changed_fields(row.meta, before_row, row, value_fields(row.meta))
			for row, before_row in zip(self.quantities, before.quantities, strict=False)
		):
			changed.append(_(self.meta.get_label("quantities")))
		if changed:
			frappe.throw(
				_("These are written by the recall's own actions, not by saving it: {0}.").format(
					escape_html(", ".join(changed))
				),
				frappe.PermissionError,
				title=_("Not Permitted"),
			)

	def on_update(self):
		if self.flags.trace_in_background and not self.flags.in_trace_job:
			enqueue_trace(self.name)

	@property
	def is_mock(self) -> bool:
		return self.recall_type == MOCK_RECALL

	# Start lots -------------------------------------------------------------------------

	def validate_start_lots(self):
		seen = set()
		for row in self.lots:
			if bool(row.batch_no) == bool(row.serial_no):
				frappe.throw(
					_("Start Lots row #{0}: give either a Batch No or a Serial No.").format(row.idx),
					title=_("Start Lot Missing"),
				)
			doctype, number = ("Batch", row.batch_no) if row.batch_no else ("Serial No", row.serial_no)
			item_field = "item" if doctype == "Batch" else "item_code"
			item_code = frappe.db.get_value(doctype, number, item_field)
			if not item_code:
				frappe.throw(
					_("Start Lots row #{0}: {1} {2} does not exist.").format(row.idx, _(doctype), number),
					frappe.DoesNotExistError,
				)
			if (doctype, number) in seen:
				frappe.throw(
					_("Start Lots row #{0}: {1} {2} is listed twice.").format(row.idx, _(doctype), number)
				)
			seen.add((doctype, number))
			row.item_code = item_code
			row.item_name = frappe.get_cached_value("Item", item_code, "item_name")

	def start_lots(self) -> dict[Lot, str]:
		return {
			(row.item_code, row.batch_no or row.serial_no): BATCH if row.batch_no else SERIAL_NO
			for row in self.lots
		}

	def lots_key(self) -> str:
		"""The start lots as one string, to tell whether the snapshot is of the current lots."""
		return "\n".join(sorted(f"{kind}:{number}" for (_item, number), kind in self.start_lots().items()))

	# Trace and snapshot ---------------------------------------------------------------------

	def trace(self):
		"""Trace the start lots and keep the snapshot, or leave it to a background job when the
		trace reaches many customers or the user asked for it."""
		if self.flags.trace_in_background and not self.flags.in_trace_job:
			self.keep_stored_trace()  # until the job traces, nothing of the request is kept
			return
		traced = RecallTrace(self.company, self.start_lots())
		if not self.flags.in_trace_job and len(traced.customers) > TRACE_IN_BACKGROUND_ABOVE:
			self.flags.trace_in_background = True
			self.keep_stored_trace()
			return
		self.set_snapshot(build_snapshot(traced, self.flags.progress))

	def set_snapshot(self, snapshot: dict):
		stored = self.get_doc_before_save()
		for table in SNAPSHOT_TABLES:
			self.set(table, rows_kept_where_unchanged(stored.get(table) if stored else [], snapshot[table]))
		for fieldname in SNAPSHOT_FIELDS:
			self.set(fieldname, snapshot[fieldname])
		self.traced_on = now_datetime()
		lots_key = self.lots_key()
		self.started_on = self.started_on or self.traced_on
		if stored and stored.traced_on and stored.traced_lots_key == lots_key:
			# Tracing the same lots again refreshes the snapshot; Time To Trace stays the time
			# the first trace of these lots took, the figure a drill is judged by.
			self.time_to_trace = stored.time_to_trace
		else:
			self.time_to_trace = max(time_diff_in_seconds(self.traced_on, self.started_on), 0)
		self.traced_lots_key = lots_key

	def keep_stored_trace(self):
		stored = self.get_doc_before_save()
		for table in SNAPSHOT_TABLES:
			self.set(table, [row.as_dict() for row in stored.get(table)] if stored else [])
		for fieldname in TRACE_FIELDS:
			self.set(fieldname, stored.get(fieldname) if stored else None)

	def draft_status(self) -> str:
		return "Traced" if self.traced_on and self.traced_lots_key == self.lots_key() else "Draft"

	# Submit and cancel --------------------------------------------------------------------

	def before_submit(self):
		if self.get_doc_before_save() and self.get_doc_before_save().status == "Tracing":
			frappe.throw(_("The trace is still running in the background: submit when it has finished."))
		if not self.traced_on or self.traced_lots_key != self.lots_key():
			frappe.throw(_("Trace the recall before submitting it: click Trace, or save it."))
		self.check_trace_is_the_stored_one()
		self.status = "Open"
		if not self.is_mock:
			self.hold_affected_lots()
			if len(self.customers) <= TRACE_IN_BACKGROUND_ABOVE:
				draft_notifications(self)
			else:
				self.flags.draft_notifications_in_background = True

	def on_submit(self):
		if self.flags.draft_notifications_in_background:
			enqueue_draft_notifications(self.name)

	def check_trace_is_the_stored_one(self):
		"""Submit keeps what the server traced and saved, never a snapshot sent with the request:
		the snapshot decides which lots are held, who is told and what a drill scores."""
		stored = self.get_doc_before_save()
		differences = trace_differences(stored, self) if stored else [_("the recall was never saved")]
		if differences:
			frappe.throw(
				_(
					"The trace results sent with this submit differ from the ones the server traced "
					"({0}). Only Trace writes them: reload the recall, trace it again and submit."
				).format(escape_html(", ".join(differences))),
				title=_("Trace Changed"),
			)

	def hold_affected_lots(self):
		"""Hold every affected lot that still has stock, with the recall as the reason."""
		on_hand: dict[str, float] = {}
		for (number, _warehouse), qty in on_hand_of(self.company, self.affected_lot_kinds()).items():
			on_hand[number] = on_hand.get(number, 0.0) + qty
		reason = self.hold_reason()
		self.lots_held = 0
		held_per_uom: dict[str | None, float] = {}
		for row in self.affected_lots:
			number = row.batch_no or row.serial_no
			row.held_by_this_recall = 0
			if flt(on_hand.get(number)) <= 0:
				continue
			doctype = "Batch" if row.batch_no else "Serial No"
			row.held_by_this_recall = int(hold(doctype, number, reason, self.doctype, self.name))
			self.lots_held += 1
			held_per_uom[row.stock_uom] = held_per_uom.get(row.stock_uom, 0.0) + on_hand[number]
		for uom, qty in held_per_uom.items():
			self.quantity_row(uom).held_qty = qty
		self.held_qty = one_unit_total(held_per_uom)

	def quantity_row(self, uom: str | None):
		"""The Quantities By Unit row of this unit, added if the trace had none."""
		row = next((row for row in self.quantities if row.stock_uom == uom), None)
		return row or self.append("quantities", {"stock_uom": uom})

	def affected_lot_kinds(self) -> list[tuple[Lot, str]]:
		"""Each affected lot with whether it is a batch or a serial number."""
		return [
			((row.item_code, row.batch_no or row.serial_no), BATCH if row.batch_no else SERIAL_NO)
			for row in self.affected_lots
		]

	def hold_reason(self) -> str:
		return _("{0} {1}: {2}").format(_(self.recall_type), self.name, self.reason)

	def on_cancel(self):
		reason = _("{0} {1} cancelled").format(_(self.recall_type), self.name)
		for row in self.affected_lots:
			if row.held_by_this_recall:
				doctype = "Batch" if row.batch_no else "Serial No"
				release(doctype, row.batch_no or row.serial_no, reason, self.doctype, self.name)
		self.db_set("status", "Cancelled")

	def on_communication_update(self, communication):
		"""A recall's status does not follow its emails. Without this, Frappe would reload and
		publish the whole recall for each of its (possibly thousand) customer notifications."""

	# Close-out ------------------------------------------------------------------------------

	def update_close_out(self):
		"""Sales returns of the affected lots since the trace, per customer and per unit, and
		the effectiveness of each unit; the recall's is that of the least controlled unit."""
		returns = self.returns_since_trace()
		uom_of_item = {row.item_code: row.stock_uom for row in (*self.affected_lots, *self.shipments)}
		units_of_customer: dict[str, set] = {}
		for shipment in self.shipments:
			units_of_customer.setdefault(shipment.customer, set()).add(shipment.stock_uom)
		recovered = recovered_per_customer(returns)
		recovered_per_uom: dict[str | None, float] = {}
		for movement in returns:
			uom = uom_of_item.get(movement.item_code)
			recovered_per_uom[uom] = recovered_per_uom.get(uom, 0.0) + movement.qty
		destroyed_per_uom: dict[str | None, float] = {}
		for row in self.customers:
			units = units_of_customer.get(row.customer, set())
			row.recovered_qty = recovered.get(row.customer, 0.0) if len(units) == 1 else None
			if flt(row.destroyed_qty) and len(units) != 1:
				frappe.throw(
					_(
						"Customers row #{0}: {1} received the lots in several units ({2}): a destroyed "
						"quantity of them cannot be counted in one. Record each unit's destruction in "
						"the close note and leave Destroyed empty."
					).format(
						row.idx, escape_html(row.customer), escape_html(", ".join(sorted(map(str, units))))
					),
					title=_("Several Units"),
				)
			if flt(row.destroyed_qty):
				(uom,) = units
				destroyed_per_uom[uom] = destroyed_per_uom.get(uom, 0.0) + flt(row.destroyed_qty)
		for row in self.quantities:
			row.recovered_qty = recovered_per_uom.get(row.stock_uom, 0.0)
			row.destroyed_qty = destroyed_per_uom.get(row.stock_uom, 0.0)
		units = [
			UnitQuantities(
				row.stock_uom,
				shipped=flt(row.qty_shipped),
				held=flt(row.held_qty),
				recovered=flt(row.recovered_qty),
				destroyed=flt(row.destroyed_qty),
			)
			for row in self.quantities
		]
		for row, unit in zip(self.quantities, units, strict=True):
			row.effectiveness = unit.effectiveness
		self.recovered_qty = one_unit_total(
			{row.stock_uom: flt(row.recovered_qty) for row in self.quantities}
		)
		self.destroyed_qty = one_unit_total(
			{row.stock_uom: flt(row.destroyed_qty) for row in self.quantities}
		)
		self.effectiveness = least_effectiveness(units)

	def returns_since_trace(self):
		lots = {(row.item_code, row.batch_no or row.serial_no) for row in self.affected_lots}
		movements = StockMovements(self.company)
		movements.serial_items |= {row.item_code for row in self.affected_lots if row.serial_no}
		returns = [m for m in movements.of_lots(lots) if m.party_type == "Customer" and m.qty > 0]
		recorded_after = vouchers_recorded_after({m.voucher_no for m in returns}, self.traced_on)
		return [m for m in returns if m.voucher_no in recorded_after]

	def complete(self, note: str | None = None):
		"""Mark the drill complete or close the recall, with how long it took."""
		self.completed_on = now_datetime()
		self.time_to_complete = max(time_diff_in_seconds(self.completed_on, self.started_on), 0)
		self.close_note = note or self.close_note
		self.status = "Completed" if self.is_mock else "Closed"


def rows_kept_where_unchanged(stored_rows: list, new_rows: list[dict]) -> list:
	"""The new snapshot rows, each one equal to a stored row given as that stored row: a
	trace run again rewrites only the rows that changed, and the others keep their names."""
	unmatched = list(stored_rows)
	rows = []
	for new in new_rows:
		same = next((row for row in unmatched if not row_differs(row, new)), None)
		if same is None:
			rows.append(new)
		else:
			unmatched.remove(same)
			rows.append(same.as_dict())  # with its name: saved as an update of that row
	return rows


def row_differs(row: Document, values: dict) -> bool:
	for fieldname, value in values.items():
		df = row.meta.get_field(fieldname)
		if df and df.fieldtype in ("Float", "Currency", "Percent", "Int"):
			if abs(flt(row.get(fieldname)) - flt(value)) > 1e-9:
				return True
		elif df and df.fieldtype in ("Date", "Datetime"):
			if str(row.get(fieldname) or "") != str(value or ""):
				return True
		elif (row.get(fieldname) or None) != (value or None):
			return True
	return False


def trace_differences(stored: Document, sent: Document) -> list[str]:
	"""The labels of the trace fields and snapshot tables whose values differ."""
	differences = [sent.meta.get_label(f) for f in changed_fields(sent.meta, stored, sent, TRACE_FIELDS)]
	for table in SNAPSHOT_TABLES:
		stored_rows, sent_rows = stored.get(table), sent.get(table)
		if len(stored_rows) != len(sent_rows) or any(
			changed_fields(a.meta, a, b, value_fields(a.meta))
			for a, b in zip(stored_rows, sent_rows, strict=True)
		):
			differences.append(_(sent.meta.get_label(table)))
	return differences


def value_fields(meta) -> list[str]:
	return [df.fieldname for df in meta.fields if df.fieldtype not in no_value_fields]


def allowed_on_submit_fields(meta) -> list[str]:
	return [
		df.fieldname
		for df in meta.fields
		if df.allow_on_submit
		and df.fieldtype not in no_value_fields
		and df.fieldtype not in table_fields
		and df.fieldname not in USER_EDITABLE_AFTER_SUBMIT
	]


def vouchers_recorded_after(voucher_nos: set[str], moment) -> set[str]:
	"""The vouchers whose stock ledger entries were written after `moment`: those the
	snapshot taken at that moment did not see."""
	if not voucher_nos:
		return set()
	sle = frappe.qb.DocType("Stock Ledger Entry")
	query = (
		frappe.qb.from_(sle)
		.select(sle.voucher_no)
		.distinct()
		.where(sle.voucher_no.isin(voucher_nos))
		.where(sle.is_cancelled == 0)
		.where(sle.creation > moment)
	)
	return set(query.run(pluck=True))


# Background trace -------------------------------------------------------------------------


def enqueue_trace(name: str):
	enqueue_recall_job(trace_in_background, name, "trace")


def trace_in_background(recall: str):
	doc = frappe.get_doc("Product Recall", recall)
	if doc.docstatus != 0:
		return
	progress = progress_reporter(recall, _("Tracing {0}").format(recall))
	progress(5, _("Tracing the start lots"))
	doc.flags.in_trace_job = True
	doc.flags.progress = progress
	doc.save()
	progress(100, _("Done"))


# Actions of the form ----------------------------------------------------------------------


def get_recall(name: str, permission: str) -> ProductRecall:
	doc = frappe.get_doc("Product Recall", name)
	doc.check_permission(permission)
	return doc


@frappe.whitelist(methods=["POST"])
def trace_recall(name: str, in_background: bool | str = False) -> dict:
	"""The Trace button: trace again and keep the new snapshot (a draft only)."""
	doc = get_recall(name, "write")
	if doc.docstatus != 0:
		frappe.throw(_("Only a draft recall can be traced again: its snapshot is what was recalled."))
	# A form sends 1 or "true"; a script may send "yes": any of them asks for the background.
	doc.flags.trace_in_background = str(in_background).strip().lower() in ("1", "true", "yes", "on") or None
	doc.save()
	return {"status": doc.status, "customer_count": doc.customer_count}


@frappe.whitelist(methods=["POST"])
def update_close_out(name: str) -> dict:
	doc = get_recall(name, "submit")
	check_open_recall(doc)
	doc.update_close_out()
	doc.flags.recall_action = True
	doc.save()
	return {"recovered_qty": doc.recovered_qty, "effectiveness": doc.effectiveness}


@frappe.whitelist(methods=["POST"])
def close_recall(name: str, note: str) -> dict:
	doc = get_recall(name, "submit")
	check_open_recall(doc)
	if not (note or "").strip():
		frappe.throw(
			_("Write a close note: what was recovered, destroyed or written off, and why it is enough.")
		)
	doc.update_close_out()
	doc.complete(note)
	doc.flags.recall_action = True
	doc.save()
	return {"status": doc.status, "effectiveness": doc.effectiveness}


@frappe.whitelist(methods=["POST"])
def complete_drill(name: str) -> dict:
	"""Mark Drill Complete: submits a traced draft drill, then records when it was completed."""
	doc = get_recall(name, "submit")
	if not doc.is_mock:
		frappe.throw(_("Only a Mock Recall is a drill: close a recall instead."))
	if doc.docstatus == 2 or doc.completed_on:
		frappe.throw(_("This drill is cancelled or already complete."))
	if doc.docstatus == 0:
		doc.submit()
	doc.complete()
	doc.flags.recall_action = True
	doc.save()
	return {"status": doc.status, "time_to_complete": doc.time_to_complete}


@frappe.whitelist(methods=["POST"])
def make_quarantine_transfer(name: str) -> str:
	"""A draft Material Transfer of the affected lots' stock into the quarantine warehouse."""
	doc = get_recall(name, "submit")
	frappe.has_permission("Stock Entry", "create", throw=True)
	check_open_recall(doc)
	if (
		doc.quarantine_transfer
		and frappe.db.get_value("Stock Entry", doc.quarantine_transfer, "docstatus") == 0
	):
		return doc.quarantine_transfer  # the draft made before: one transfer to check and submit
	quarantine = get_traceability_settings().quarantine_warehouse
	if not quarantine:
		frappe.throw(_("Set a Quarantine Warehouse in Traceability Settings first."))
	lots = doc.affected_lot_kinds()
	items = quarantine_rows(lots, on_hand_of(doc.company, lots), quarantine)
	if not items:
		frappe.throw(
			_("No stock of the affected lots is left outside the quarantine warehouse {0}.").format(
				quarantine
			)
		)
	entry = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Transfer",
			"purpose": "Material Transfer",
			"company": doc.company,
			"remarks": _("Quarantine of the lots held by {0} {1}").format(_(doc.recall_type), doc.name),
			"items": items,
		}
	).insert()
	doc.db_set("quarantine_transfer", entry.name)
	return entry.name


def quarantine_rows(
	lots: list[tuple[Lot, str]], stock: dict[tuple[str, str], float], quarantine: str
) -> list[dict]:
	"""Stock Entry rows moving each lot's stock from its warehouse into quarantine; the serial
	numbers of one item and warehouse go in one row."""
	kind_of = {lot[1]: (lot[0], kind) for lot, kind in lots}
	rows, serials = [], {}
	for (number, warehouse), qty in sorted(stock.items()):
		item_code, kind = kind_of[number]
		if warehouse == quarantine or qty <= 0:
			continue
		if kind == SERIAL_NO:
			serials.setdefault((item_code, warehouse), []).append(number)
			continue
		rows.append(transfer_row(item_code, qty, warehouse, quarantine, batch_no=number))
	for (item_code, warehouse), numbers in serials.items():
		rows.append(
			transfer_row(item_code, len(numbers), warehouse, quarantine, serial_no="\n".join(numbers))
		)
	return rows


def transfer_row(item_code: str, qty: float, warehouse: str, quarantine: str, **lot) -> dict:
	return {
		"item_code": item_code,
		"qty": qty,
		"transfer_qty": qty,
		"conversion_factor": 1,
		"s_warehouse": warehouse,
		"t_warehouse": quarantine,
		"use_serial_batch_fields": 1,
		**lot,
	}


def check_open_recall(doc: ProductRecall):
	if doc.is_mock or doc.docstatus != 1 or doc.status != "Open":
		frappe.throw(_("This needs an open recall: submitted, not a drill, not closed."))
