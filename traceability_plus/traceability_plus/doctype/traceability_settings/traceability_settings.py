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

	def on_update(self):
		apply_fefo_picking(self)


def apply_fefo_picking(settings: Document | None = None):
	"""FEFO is ERPNext's own picker ordered by expiry: switch it on rather than write a second one."""
	settings = settings or get_traceability_settings()
	if not settings.use_fefo_picking:
		return
	if frappe.db.get_single_value("Stock Settings", "pick_serial_and_batch_based_on") != "Expiry":
		frappe.db.set_single_value("Stock Settings", "pick_serial_and_batch_based_on", "Expiry")


def get_traceability_settings() -> Document:
	"""The settings as cached by Frappe; the cache is cleared whenever they are saved."""
	return frappe.get_cached_doc("Traceability Settings")
