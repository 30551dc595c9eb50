# Copyright (c) 2026, Traceability Plus developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document


class TraceabilitySettings(Document):
	def validate(self):
		if self.quarantine_warehouse and frappe.db.get_value(
			"Warehouse", self.quarantine_warehouse, "is_group"
		):
			frappe.throw(
				_("The quarantine warehouse must hold stock: choose a warehouse that is not a group.")
			)


def get_traceability_settings() -> Document:
	"""The settings as cached by Frappe; the cache is cleared whenever they are saved."""
	return frappe.get_cached_doc("Traceability Settings")
