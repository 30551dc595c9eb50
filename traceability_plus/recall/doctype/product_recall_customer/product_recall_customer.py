# Copyright (c) 2026, Traceability Plus developers
# For license information, please see license.txt

from frappe.model.document import Document


class ProductRecallCustomer(Document):
	"""A customer who received an affected lot, with the primary contact to notify."""
