# Copyright (c) 2026, Traceability Plus developers
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class TraceabilitySettings(Document):
	pass


def get_traceability_settings() -> Document:
	"""The settings as cached by Frappe; the cache is cleared whenever they are saved."""
	return frappe.get_cached_doc("Traceability Settings")
