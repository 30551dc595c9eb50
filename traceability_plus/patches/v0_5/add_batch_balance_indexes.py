from traceability_plus.install import add_ledger_indexes


def execute():
	"""The covering index on Serial and Batch Entry that the batch reports' stock sums use."""
	add_ledger_indexes()
