from traceability_plus.install import sync_custom_fields


def execute():
	"""Supplier lot and dates on incoming rows, Supplier lot code, Batch search by supplier lot."""
	sync_custom_fields()
