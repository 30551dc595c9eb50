from traceability_plus.recall.notices import make_recall_notice_template


def execute():
	"""The Email Template that Product Recall renders for each affected customer."""
	make_recall_notice_template()
