# Copyright (c) 2026, Traceability Plus developers
# For license information, please see license.txt

from frappe.model.document import Document


class ProductRecallShipment(Document):
	"""What one voucher shipped of an affected lot to a customer, or brought back."""
