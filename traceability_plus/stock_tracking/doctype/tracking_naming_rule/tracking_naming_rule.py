# Copyright (c) 2026, Traceability Plus developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.query_builder.functions import Max
from frappe.utils import nowdate
from pypika.functions import Length

from traceability_plus.core.naming_pattern import (
	SUPPLIER_CODE_LENGTH,
	PatternError,
	check_gs1_safe,
	parse_pattern,
	render_pattern,
	short_supplier_code,
)

ITEM_FLAG = {"Batch": "has_batch_no", "Serial No": "has_serial_no"}


class TrackingNamingRule(Document):
	def validate(self):
		if self.item_code and self.item_group:
			frappe.throw(
				_(
					"Set either an Item or an Item Group, not both: a rule for an item already wins over its group."
				),
				title=_("Item or Item Group"),
			)
		if self.item_code and not frappe.db.get_value("Item", self.item_code, ITEM_FLAG[self.applies_to]):
			frappe.throw(
				_("Item {0} is not tracked by {1}: tick {2} on the item or change Applies To.").format(
					frappe.bold(self.item_code),
					_(self.applies_to),
					_(frappe.unscrub(ITEM_FLAG[self.applies_to])),
				),
				title=_("Item Not Tracked"),
			)
		try:
			pattern = parse_pattern((self.naming_pattern or "").strip())
			if self.gs1_safe:
				check_gs1_safe(pattern, self.longest_values(pattern.placeholders))
			self.example_name = render_pattern(
				pattern, frappe.utils.getdate(nowdate()), self.example_values()
			).name(1)
		except PatternError as error:
			frappe.throw(
				_("The naming pattern {0} cannot be used: {1}").format(
					frappe.bold(self.naming_pattern), _(str(error))
				),
				title=_("Invalid Naming Pattern"),
			)

	def example_values(self) -> dict[str, str]:
		supplier_name, lot_code = (
			frappe.db.get_value("Supplier", self.supplier, ["supplier_name", "tp_lot_code"])
			if self.supplier
			else ("Supplier", None)
		)
		company = frappe.defaults.get_user_default("Company") or frappe.db.get_value("Company", {}, "name")
		return {
			"item_code": self.item_code or "ITEM",
			"item_group": self.item_group or "GROUP",
			"supplier": self.supplier or "SUPPLIER",
			"supplier_code": short_supplier_code(supplier_name, lot_code),
			"company_abbr": (company and frappe.db.get_value("Company", company, "abbr")) or "CO",
			"warehouse": "WAREHOUSE",
		}

	def longest_values(self, placeholders: tuple[str, ...]) -> dict[str, int]:
		"""The longest value each placeholder can take for this rule, for the GS1 length check."""
		lengths = {}
		for placeholder in set(placeholders):
			if placeholder == "item_code":
				lengths[placeholder] = len(self.item_code) if self.item_code else longest_name_of("Item")
			elif placeholder == "item_group":
				lengths[placeholder] = (
					len(self.item_group) if self.item_group else longest_name_of("Item Group")
				)
			elif placeholder == "supplier":
				lengths[placeholder] = len(self.supplier) if self.supplier else longest_name_of("Supplier")
			elif placeholder == "supplier_code":
				lengths[placeholder] = max(SUPPLIER_CODE_LENGTH, longest_value("Supplier", "tp_lot_code"))
			elif placeholder == "company_abbr":
				lengths[placeholder] = longest_value("Company", "abbr")
			elif placeholder == "warehouse":
				lengths[placeholder] = longest_name_of("Warehouse")
		return lengths


def longest_name_of(doctype: str) -> int:
	return longest_value(doctype, "name")


def longest_value(doctype: str, fieldname: str) -> int:
	# LENGTH counts bytes: never less than the characters, so the check errs on the safe side.
	table = frappe.qb.DocType(doctype)
	return int(frappe.qb.from_(table).select(Max(Length(table[fieldname]))).run()[0][0] or 0)
