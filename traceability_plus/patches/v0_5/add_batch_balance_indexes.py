from traceability_plus.install import add_ledger_indexes


def execute():
	"""Indexes on Serial and Batch Entry / Bundle for the batch reports' stock sums."""
	add_ledger_indexes()
