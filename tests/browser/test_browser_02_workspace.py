"""2. The Traceability workspace's number cards show the seeded numbers.

Runs before the recall test, which holds more lots and opens another recall.
"""

import re

import pytest

CARDS = (
	"Batches On Hold",
	"Batches Expiring Soon",
	"Expired Batches In Stock",
	"Open Recalls",
	"Last Drill Time To Trace",
)


def card_texts(desk) -> dict:
	"""{card label: the number it shows}, from the workspace's number-card widgets."""
	return desk.page.evaluate(
		"""() => {
			const found = {};
			document.querySelectorAll('.number-widget-box').forEach((box) => {
				const title = (box.querySelector('.widget-title') || {}).textContent || '';
				const number = box.querySelector('.number');
				found[title.trim()] = number ? number.textContent.trim() : null;
			});
			return found;
		}"""
	)


def test_workspace_number_cards(desk, seed):
	desk.goto("/app/traceability")
	desk.wait_desk()
	page = desk.page
	try:
		page.wait_for_function(
			"""(labels) => {
				const boxes = [...document.querySelectorAll('.number-widget-box')];
				return labels.every((label) => boxes.some((box) =>
					(box.querySelector('.widget-title') || {}).textContent?.trim() === label
					&& box.querySelector('.number')));
			}""",
			arg=list(CARDS),
			timeout=30_000,
		)
	except Exception:
		desk.shot("cards-missing")
		pytest.fail(f"the workspace does not show all five number cards; it shows {card_texts(desk)}")
	desk.wait_idle()
	desk.shot("traceability-workspace")
	shown = card_texts(desk)
	expected = seed["cards"]
	drill = page.evaluate(
		"(seconds) => frappe.format(seconds, {fieldtype: 'Duration'})", expected["Last Drill Time To Trace"]
	)
	drill = re.sub(r"<[^>]+>", "", drill).strip()
	wanted = {
		"Batches On Hold": str(expected["Batches On Hold"]),
		"Batches Expiring Soon": str(expected["Batches Expiring Soon"]),
		"Expired Batches In Stock": str(expected["Expired Batches In Stock"]),
		"Open Recalls": str(expected["Open Recalls"]),
		"Last Drill Time To Trace": drill,
	}
	got = {label: shown.get(label) for label in CARDS}
	assert got == wanted, f"cards show {got}, the seeded data needs {wanted}"
