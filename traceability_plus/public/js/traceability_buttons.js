// The Traceability button group on the forms the app touches: trace a lot, see its recalls
// and warranty, or trace every lot a voucher posted. Print Labels and Hold / Release join
// the same group from their own scripts.

// A function, not a const: the script runs again for each doctype that includes it.
function traceability_plus_group() {
	return __("Traceability");
}

function traceability_plus_may_run(report) {
	return Boolean((frappe.boot.user.all_reports || {})[report]);
}

function traceability_plus_open_report(report, filters) {
	frappe.route_options = { company: frappe.defaults.get_user_default("Company"), ...filters };
	frappe.set_route("query-report", report);
}

function traceability_plus_trace_button(frm, filters) {
	if (traceability_plus_may_run("Recall Trace")) {
		frm.add_custom_button(
			__("Trace"),
			() => traceability_plus_open_report("Recall Trace", filters),
			traceability_plus_group(),
		);
	}
}

function traceability_plus_batch_buttons(frm) {
	if (frm.is_new()) return;
	traceability_plus_trace_button(frm, { batch_no: frm.doc.name });
	if (frappe.model.can_read("Product Recall")) {
		frm.add_custom_button(
			__("Open Recalls"),
			() => {
				frappe.route_options = { "Product Recall Affected Lot.batch_no": frm.doc.name };
				frappe.set_route("List", "Product Recall");
			},
			traceability_plus_group(),
		);
	}
}

function traceability_plus_serial_buttons(frm) {
	if (frm.is_new()) return;
	traceability_plus_trace_button(frm, { serial_no: frm.doc.name });
	if (traceability_plus_may_run("Serial Warranty History")) {
		frm.add_custom_button(
			__("Warranty History"),
			() => traceability_plus_open_report("Serial Warranty History", { serial_no: frm.doc.name }),
			traceability_plus_group(),
		);
	}
}

function traceability_plus_item_buttons(frm) {
	if (frm.is_new()) return;
	if (frm.doc.has_batch_no && traceability_plus_may_run("Batch Expiry Status")) {
		frm.add_custom_button(
			__("Lots and Their Status"),
			() => traceability_plus_open_report("Batch Expiry Status", { item_code: frm.doc.name }),
			traceability_plus_group(),
		);
	} else if (frm.doc.has_serial_no && frappe.model.can_read("Serial No")) {
		frm.add_custom_button(
			__("Serial Numbers and Their Status"),
			() => frappe.set_route("List", "Serial No", { item_code: frm.doc.name }),
			traceability_plus_group(),
		);
	}
}

function traceability_plus_voucher_buttons(frm) {
	if (frm.doc.docstatus !== 1 || !traceability_plus_may_run("Recall Trace")) return;
	frm.add_custom_button(
		__("Trace Lots"),
		() => traceability_plus_voucher_lots_dialog(frm),
		traceability_plus_group(),
	);
}

async function traceability_plus_voucher_lots_dialog(frm) {
	const lots = await frappe.xcall("traceability_plus.recall.tracing.voucher_lots", {
		doctype: frm.doctype,
		name: frm.doc.name,
	});
	if (!lots.length) {
		frappe.msgprint(__("{0} {1} posted no batch or serial number.", [__(frm.doctype), frm.doc.name]));
		return;
	}
	if (lots.length === 1) {
		traceability_plus_trace_lot(frm, lots[0]);
		return;
	}
	const esc = frappe.utils.escape_html;
	const rows = lots
		.map(
			(lot, index) => `<tr>
				<td>${esc(lot.item_code)}</td>
				<td>${esc(lot.batch_no || lot.serial_no)}</td>
				<td class="text-right">${esc(format_number(lot.qty, null, 3))} ${esc(lot.stock_uom || "")}</td>
				<td><a href="#" data-tp-lot="${index}">${esc(__("Trace"))}</a></td>
			</tr>`,
		)
		.join("");
	const dialog = new frappe.ui.Dialog({
		title: __("Lots of {0}", [frm.doc.name]),
		fields: [{ fieldname: "lots", fieldtype: "HTML" }],
	});
	dialog.fields_dict.lots.$wrapper.html(
		`<table class="table table-sm" data-tp-voucher-lots>
			<thead><tr><th>${esc(__("Item"))}</th><th>${esc(__("Batch or Serial No"))}</th>
			<th class="text-right">${esc(__("Qty"))}</th><th></th></tr></thead>
			<tbody>${rows}</tbody>
		</table>`,
	);
	dialog.fields_dict.lots.$wrapper.on("click", "[data-tp-lot]", (event) => {
		event.preventDefault();
		dialog.hide();
		traceability_plus_trace_lot(frm, lots[cint(event.currentTarget.dataset.tpLot)]);
	});
	dialog.show();
}

function traceability_plus_trace_lot(frm, lot) {
	traceability_plus_open_report("Recall Trace", {
		company: frm.doc.company,
		...(lot.batch_no ? { batch_no: lot.batch_no } : { serial_no: lot.serial_no }),
	});
}

frappe.ui.form.on("Batch", { refresh: traceability_plus_batch_buttons });
frappe.ui.form.on("Serial No", { refresh: traceability_plus_serial_buttons });
frappe.ui.form.on("Item", { refresh: traceability_plus_item_buttons });
["Purchase Receipt", "Delivery Note", "Stock Entry"].forEach((doctype) => {
	frappe.ui.form.on(doctype, { refresh: traceability_plus_voucher_buttons });
});
