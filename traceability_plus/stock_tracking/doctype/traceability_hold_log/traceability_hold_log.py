# Copyright (c) 2026, Traceability Plus developers
# For license information, please see license.txt

"""The hold history of batches and serial numbers: evidence, so written once and never changed."""

import frappe
from frappe import _
from frappe.model.document import Document


class TraceabilityHoldLog(Document):
	"""Written only by traceability_plus.stock_tracking.holds when stock is held or released."""

	def validate(self):
		if not self.is_new():
			frappe.throw(_("A hold history entry is a record of what happened: it cannot be changed."))

	def on_trash(self):
		frappe.throw(_("A hold history entry is a record of what happened: it cannot be deleted."))


def on_doctype_update():
	# The Batch and Serial No forms read one document's history, newest first.
	frappe.db.add_index("Traceability Hold Log", ["held_doctype", "held_name", "creation"], "held_document")
