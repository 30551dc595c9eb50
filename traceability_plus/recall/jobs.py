"""Background jobs of a Product Recall: a big trace, or a thousand notifications, run in a
worker with a progress bar on the recall's form instead of in the user's request."""

from collections.abc import Callable

import frappe


def enqueue_recall_job(method: Callable, recall: str, job: str):
	"""Run `method(recall=...)` in the long queue after the commit, once at a time per recall;
	in tests, at once."""
	frappe.enqueue(
		method,
		queue="long",
		job_id=f"product_recall_{job}::{recall}",
		deduplicate=True,
		enqueue_after_commit=True,
		now=frappe.flags.in_test,
		recall=recall,
	)


def progress_reporter(recall: str, title: str) -> Callable[[int, str], None]:
	"""Shows a progress bar to everyone who has the recall open."""

	def progress(percent: int, description: str):
		frappe.publish_progress(
			percent, title=title, doctype="Product Recall", docname=recall, description=description
		)

	return progress
