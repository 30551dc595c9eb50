def execute():
	"""Added an index on Serial and Batch Entry; superseded by the Batch Warehouse Balance
	(patch v0_7), so a site that upgrades past both never builds it."""
