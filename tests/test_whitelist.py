"""The app's whitelisted functions are exactly the ones below: each is an entry point any
logged-in user can call, so a new one must be added here on purpose, with its permission
check and a test as the least-privileged role that could abuse it."""

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "traceability_plus"

WHITELISTED = {
	"labels.doctype.label_template.label_template.get_page_preset",
	"labels.gs1_scanning.parse_scanned_lot",
	"labels.gs1_scanning.scan_barcode",
	"labels.printing.download_labels",
	"labels.printing.enqueue_labels",
	"labels.printing.get_label_count",
	"recall.doctype.product_recall.product_recall.close_recall",
	"recall.doctype.product_recall.product_recall.complete_drill",
	"recall.doctype.product_recall.product_recall.make_quarantine_transfer",
	"recall.doctype.product_recall.product_recall.trace_recall",
	"recall.doctype.product_recall.product_recall.update_close_out",
	"recall.desk_cards.last_drill_time_to_trace",
	"recall.fsma_export.download_fsma_204",
	"recall.notices.draft_missing_notices",
	"recall.notices.send_notifications",
	"recall.tracing.voucher_lots",
	"stock_tracking.batch_warehouse_balance.enqueue_rebuild",
	"stock_tracking.desk_cards.batches_expiring_soon",
	"stock_tracking.desk_cards.expired_batches_in_stock",
	"stock_tracking.holds.hold_stock",
	"stock_tracking.holds.release_stock",
	"stock_tracking.picking.get_auto_data",
	"stock_tracking.picking.get_batch_no",
	"stock_tracking.picking.get_item_details",
}


def is_whitelist(decorator: ast.expr) -> bool:
	target = decorator.func if isinstance(decorator, ast.Call) else decorator
	return isinstance(target, ast.Attribute) and target.attr == "whitelist"


def whitelisted_functions() -> set[str]:
	found = set()
	for path in APP.rglob("*.py"):
		if "tests" in path.parts or path.name.startswith("test_"):
			continue
		module = ".".join(path.relative_to(APP).with_suffix("").parts)
		for node in ast.walk(ast.parse(path.read_text())):
			if isinstance(node, ast.FunctionDef) and any(map(is_whitelist, node.decorator_list)):
				found.add(f"{module}.{node.name}")
	return found


def test_the_whitelisted_functions_are_the_known_ones():
	assert whitelisted_functions() == WHITELISTED
