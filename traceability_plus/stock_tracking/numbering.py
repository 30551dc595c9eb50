"""Batch and serial numbers for stock that comes in, named by Tracking Naming Rules.

One entry point, `assign_tracking_numbers`, runs before submit on every voucher that
brings new batches or serials into stock (Purchase Receipt, Stock Entry for Manufacture,
Repack and Material Receipt, Stock Reconciliation). It decides the numbers there, before
ERPNext builds its Serial and Batch Bundles on submit: ERPNext bulk-inserts auto-named
serials, so no Serial No event would fire for them later.

Counters live in Frappe's Series table, one row per prefix, taken with a row lock for
the rest of the submit transaction: concurrent submits wait for each other there instead
of producing the same number.
"""

import frappe
from frappe import _
from frappe.utils import cint, flt, getdate

from traceability_plus.core.naming_pattern import (
	PatternError,
	RenderedPattern,
	gs1_problem,
	parse_pattern,
	render_pattern,
	short_supplier_code,
)
from traceability_plus.core.naming_rules import NamingRule, NamingSubject, choose_rule, default_expiry_date
from traceability_plus.stock_tracking.bundles import make_new_serials_bundle
from traceability_plus.traceability_setup.user_text import clean_user_text

RULE_DOCTYPE = "Tracking Naming Rule"
NEW_STOCK_PURPOSES = ("Manufacture", "Repack", "Material Receipt")
# Reserve a few more numbers than needed when some of the next ones are taken already.
_RESERVE_ATTEMPTS = 10


def assign_tracking_numbers(doc, method=None):
	"""before_submit: name the batches and serial numbers this voucher brings in."""
	rows = [row for row in incoming_rows(doc) if row.get("item_code")]
	if not rows:
		return
	rules = load_naming_rules()
	supplier = doc.get("supplier") if doc.doctype == "Purchase Receipt" else None
	for row in rows:
		item = get_item_tracking(row.item_code)
		if item.has_batch_no and not row.get("batch_no") and not row.get("serial_and_batch_bundle"):
			rule = choose_rule(rules, naming_subject("Batch", item, supplier))
			if rule:
				row.batch_no = make_batch(doc, row, item, rule, supplier)
				row.use_serial_batch_fields = 1
		elif (
			item.has_serial_no
			and not (row.get("serial_no") or "").strip()
			and not row.get("serial_and_batch_bundle")
		):
			rule = choose_rule(rules, naming_subject("Serial No", item, supplier))
			if rule:
				names = reserve_names(rule, doc, row, item, supplier, serial_count(row), "Serial No")
				make_serial_nos(item.item_code, names)
				row.serial_and_batch_bundle = make_new_serials_bundle(doc, row, names)


def incoming_rows(doc):
	"""The rows of a voucher that bring new stock in, where new numbers may be needed."""
	if doc.doctype == "Purchase Receipt":
		if doc.get("is_return"):
			return []
		return [row for row in doc.items if flt(row.qty) > 0]
	if doc.doctype == "Stock Entry":
		if doc.purpose not in NEW_STOCK_PURPOSES:
			return []
		return [row for row in doc.items if row.t_warehouse and not row.s_warehouse]
	if doc.doctype == "Stock Reconciliation":
		return [row for row in doc.items if flt(row.qty) > 0]
	return []


def serial_count(row) -> int:
	quantity = flt(row.get("stock_qty") or row.get("transfer_qty") or row.get("qty"))
	if quantity != int(quantity):
		frappe.throw(
			_("Row #{0}: {1} is serialised, so its quantity must be a whole number, not {2}.").format(
				row.idx, frappe.bold(row.item_code), quantity
			),
			title=_("Whole Units Only"),
		)
	return int(quantity)


def load_naming_rules() -> list[NamingRule]:
	rule = frappe.qb.DocType(RULE_DOCTYPE)
	rows = (
		frappe.qb.from_(rule)
		.select(
			rule.name,
			rule.applies_to,
			rule.naming_pattern,
			rule.item_code,
			rule.item_group,
			rule.supplier,
			rule.priority,
			rule.gs1_safe,
		)
		.where(rule.enabled == 1)
		.run(as_dict=True)
	)
	return [NamingRule(**{**row, "gs1_safe": bool(row.gs1_safe)}, enabled=True) for row in rows]


def get_item_tracking(item_code: str) -> frappe._dict:
	return frappe.get_cached_value(
		"Item",
		item_code,
		["item_code", "item_name", "item_group", "has_batch_no", "has_serial_no", "shelf_life_in_days"],
		as_dict=True,
	)


def item_group_lineage(item_group: str) -> tuple[str, ...]:
	"""The item's group and every group above it, nearest first."""
	groups = frappe.qb.DocType("Item Group")
	lft, rgt = frappe.get_cached_value("Item Group", item_group, ["lft", "rgt"])
	ancestors = (
		frappe.qb.from_(groups)
		.select(groups.name)
		.where((groups.lft <= lft) & (groups.rgt >= rgt))
		.orderby(groups.lft, order=frappe.qb.desc)
		.run(pluck=True)
	)
	return tuple(ancestors)


def naming_subject(applies_to: str, item, supplier: str | None) -> NamingSubject:
	return NamingSubject(applies_to, item.item_code, item_group_lineage(item.item_group), supplier)


def pattern_values(doc, row, item, supplier: str | None) -> dict[str, str]:
	values = {
		"item_code": item.item_code,
		"item_group": item.item_group,
		"company_abbr": frappe.get_cached_value("Company", doc.company, "abbr"),
		"warehouse": row.get("warehouse") or row.get("t_warehouse") or "",
		"supplier": supplier or "",
		"supplier_code": "",
	}
	if supplier:
		supplier_name, lot_code = frappe.get_cached_value(
			"Supplier", supplier, ["supplier_name", "tp_lot_code"]
		)
		values["supplier_code"] = short_supplier_code(supplier_name or supplier, lot_code)
	return values


def render_rule(rule: NamingRule, doc, row, item, supplier: str | None) -> RenderedPattern:
	try:
		return render_pattern(
			parse_pattern(rule.naming_pattern),
			getdate(doc.posting_date),
			pattern_values(doc, row, item, supplier),
		)
	except PatternError as error:
		frappe.throw(
			_("Row #{0}: Tracking Naming Rule {1} cannot name {2}: {3}").format(
				row.idx, frappe.bold(rule.name), frappe.bold(item.item_code), _(str(error))
			),
			title=_("Naming Rule Not Usable"),
		)


def reserve_names(rule: NamingRule, doc, row, item, supplier, count: int, doctype: str) -> list[str]:
	"""`count` new names from the rule, none of which exists yet as a `doctype` record."""
	rendered = render_rule(rule, doc, row, item, supplier)
	names: list[str] = []
	for _attempt in range(_RESERVE_ATTEMPTS):
		wanted = count - len(names)
		first = reserve_counter(rendered.prefix, wanted)
		candidates = rendered.names(first, wanted)
		taken = set(frappe.get_all(doctype, filters={"name": ("in", candidates)}, pluck="name"))
		names += [name for name in candidates if name not in taken]
		if len(names) == count:
			break
	else:
		frappe.throw(_("Could not find {0} unused names for rule {1}.").format(count, rule.name))

	if rule.gs1_safe:
		for name in names:
			if problem := gs1_problem(name):
				frappe.throw(
					_(
						"Row #{0}: {1} would be named {2}, which is not GS1-safe: {3}. Change rule {4}."
					).format(
						row.idx,
						frappe.bold(item.item_code),
						frappe.bold(name),
						problem,
						frappe.bold(rule.name),
					),
					title=_("Name Not GS1-Safe"),
				)
	return names


def reserve_counter(prefix: str, count: int) -> int:
	"""Take `count` consecutive numbers of the Series counter `prefix`; return the first.

	The row is locked until the transaction ends. Inserting the row with ON DUPLICATE
	KEY UPDATE, rather than Frappe's select-then-insert, keeps two first-time submits
	for a new prefix from deadlocking on the gap lock.
	"""
	frappe.db.sql(
		"INSERT INTO `tabSeries` (`name`, `current`) VALUES (%s, 0) ON DUPLICATE KEY UPDATE `current` = `current`",
		(prefix,),
	)
	series = frappe.qb.DocType("Series")
	current = cint(
		frappe.qb.from_(series).select(series.current).where(series.name == prefix).for_update().run()[0][0]
	)
	frappe.db.sql("UPDATE `tabSeries` SET `current` = %s WHERE `name` = %s", (current + count, prefix))
	return current + 1


def make_batch(doc, row, item, rule: NamingRule, supplier: str | None) -> str:
	(name,) = reserve_names(rule, doc, row, item, supplier, 1, "Batch")
	manufacturing_date = row.get("tp_manufacturing_date")
	expiry_date = row_expiry_date(doc, row, item.shelf_life_in_days)
	batch = frappe.get_doc(
		{
			"doctype": "Batch",
			"batch_id": name,
			"item": item.item_code,
			"supplier": supplier,
			"tp_supplier_lot": row.get("tp_supplier_lot"),
			"manufacturing_date": manufacturing_date,
			"expiry_date": expiry_date,
			"reference_doctype": doc.doctype,
			"reference_name": doc.name,
		}
	)
	batch.flags.ignore_permissions = True
	batch.insert()
	return batch.name


def make_serial_nos(item_code: str, names: list[str]):
	from erpnext.stock.doctype.serial_and_batch_bundle.serial_and_batch_bundle import (
		make_serial_nos as erpnext_make_serial_nos,
	)

	erpnext_make_serial_nos(item_code, [{"serial_no": name} for name in names])


def record_batch_origin(doc, method=None):
	"""on_submit: keep the receipt's supplier, supplier lot and dates on its new batches.

	Covers batches named by ERPNext itself (no rule) and numbers typed by the user:
	ERPNext leaves Batch.supplier empty, and dates a batch it makes from the day it makes
	it. A batch this receipt made takes the row's dates, with the same default expiry as a
	batch a naming rule makes; an older batch only has its empty fields filled.
	"""
	if doc.doctype != "Purchase Receipt" or doc.get("is_return"):
		return
	for row in doc.items:
		batch_nos = batches_of_row(doc, row)
		for batch_no in batch_nos:
			stored = frappe.db.get_value(
				"Batch",
				batch_no,
				["supplier", "tp_supplier_lot", "manufacturing_date", "expiry_date", "reference_name"],
				as_dict=True,
			)
			if not stored:
				continue
			made_here = stored.reference_name == doc.name
			updates = {}
			if not stored.supplier:
				updates["supplier"] = doc.supplier
			if not stored.tp_supplier_lot and row.get("tp_supplier_lot"):
				# Written without a save: cleaned as a saved Data field would be.
				updates["tp_supplier_lot"] = clean_user_text(row.tp_supplier_lot)
			if row.get("tp_manufacturing_date") and (made_here or not stored.manufacturing_date):
				updates["manufacturing_date"] = row.tp_manufacturing_date
			if made_here and (row.get("tp_expiry_date") or row.get("tp_manufacturing_date")):
				# Dates given on the row: the same expiry as a batch a naming rule makes.
				shelf_life = frappe.get_cached_value("Item", row.item_code, "shelf_life_in_days")
				if expiry_date := row_expiry_date(doc, row, shelf_life):
					updates["expiry_date"] = expiry_date
			if updates:
				frappe.db.set_value("Batch", batch_no, updates)


def row_expiry_date(doc, row, shelf_life_in_days):
	"""The one expiry rule of an incoming row: its expiry date, else its manufacturing date
	(or the posting date) plus the item's shelf life; None without a shelf life."""
	if row.get("tp_expiry_date"):
		return row.tp_expiry_date
	manufacturing_date = row.get("tp_manufacturing_date")
	return default_expiry_date(
		getdate(manufacturing_date) if manufacturing_date else None,
		getdate(doc.posting_date),
		cint(shelf_life_in_days),
	)


def batches_of_row(doc, row) -> list[str]:
	if row.get("batch_no"):
		return [row.batch_no]
	bundle = row.get("serial_and_batch_bundle") or frappe.db.get_value(
		doc.doctype + " Item", row.name, "serial_and_batch_bundle"
	)
	if not bundle:
		return []
	return frappe.get_all(
		"Serial and Batch Entry", filters={"parent": bundle, "batch_no": ("is", "set")}, pluck="batch_no"
	)


def day_of_year_for_naming_series(doc, part: str) -> str:
	"""Frappe naming_series_variables hook: JJJ is today's day of the year, like YY is today's year."""
	from traceability_plus.core.naming_pattern import DATE_TOKENS

	return DATE_TOKENS["JJJ"](getdate())
