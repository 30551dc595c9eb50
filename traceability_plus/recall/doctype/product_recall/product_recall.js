// Copyright (c) 2026, Traceability Plus developers
// For license information, please see license.txt

const RECALL_API = "traceability_plus.recall.doctype.product_recall.product_recall";

frappe.ui.form.on("Product Recall", {
	setup(frm) {
		frm.set_query("serial_no", "lots", () => ({ filters: { company: frm.doc.company } }));
	},

	refresh(frm) {
		if (frm.is_new()) {
			return;
		}
		// Only the actions this user's roles allow: the server refuses the others anyway.
		const perm = frm.perm[0] || {};
		const is_mock = frm.doc.recall_type === "Mock Recall";
		if (frm.doc.docstatus === 0 && perm.write) {
			frm.add_custom_button(__("Trace"), () => trace(frm, false));
			frm.add_custom_button(__("Trace In Background"), () => trace(frm, true), __("More"));
		}
		if (frm.doc.traced_on && frm.doc.docstatus < 2) {
			for (const file_format of ["xlsx", "csv"]) {
				frm.add_custom_button(
					file_format.toUpperCase(),
					() => export_fsma(frm, file_format),
					__("Export FSMA 204"),
				);
			}
		}
		if (is_mock && perm.submit && frm.doc.docstatus < 2 && frm.doc.traced_on && !frm.doc.completed_on) {
			frm
				.add_custom_button(__("Mark Drill Complete"), () => mark_drill_complete(frm))
				.addClass("btn-primary");
		}
		if (!is_mock && frm.doc.docstatus === 1) {
			show_customers_without_email(frm, perm);
		}
		if (!is_mock && perm.submit && frm.doc.docstatus === 1 && frm.doc.status === "Open") {
			if ((frm.doc.customers || []).some((row) => row.notification_status === "Draft")) {
				frm.add_custom_button(__("Send Notifications"), () => send_notifications(frm));
			}
			if (!frm.doc.quarantine_transfer && frm.doc.lots_held && frappe.model.can_create("Stock Entry")) {
				frm.add_custom_button(__("Create Quarantine Transfer"), () => make_quarantine_transfer(frm));
			}
			frm.add_custom_button(__("Update Close-Out"), () => call(frm, "update_close_out"), __("Close-Out"));
			frm.add_custom_button(__("Close"), () => close_recall(frm), __("Close-Out"));
		}
		if (frm.doc.status === "Tracing") {
			frm.dashboard.set_headline(
				__("The trace is running in the background; the form reloads when it is done."),
			);
		}
	},

	on_submit(frm) {
		if (frm.doc.recall_type !== "Mock Recall" && frm.doc.lots_held && !frm.doc.quarantine_transfer) {
			frappe.confirm(
				__(
					"{0} lots with stock are on hold. Create a draft Material Transfer of their stock into the quarantine warehouse?",
					[frm.doc.lots_held],
				),
				() => make_quarantine_transfer(frm),
			);
		}
	},
});

function call(frm, method, args = {}) {
	return frappe
		.call({
			method: `${RECALL_API}.${method}`,
			args: { name: frm.doc.name, ...args },
			freeze: true,
		})
		.then((r) => {
			frm.reload_doc();
			return r.message;
		});
}

function trace(frm, in_background) {
	const save = frm.is_dirty() ? frm.save() : Promise.resolve();
	save
		.then(() => call(frm, "trace_recall", { in_background: in_background ? 1 : 0 }))
		.then((result) => {
			if (result && result.status === "Tracing") {
				frappe.show_alert({ message: __("Tracing in the background"), indicator: "blue" });
			}
		});
}

function export_fsma(frm, file_format) {
	// A POST: the export traces the recall again, which a link or a prefetch must not start.
	open_url_post("/api/method/traceability_plus.recall.fsma_export.download_fsma_204", {
		name: frm.doc.name,
		file_format,
	});
}

function mark_drill_complete(frm) {
	frappe.confirm(
		__("Mark this drill complete now? The time to complete is recorded and the drill is submitted."),
		() => call(frm, "complete_drill"),
	);
}

function send_notifications(frm) {
	const drafts = frm.doc.customers.filter((row) => row.notification_status === "Draft").length;
	frappe.confirm(__("Send the recall notice to {0} customers now?", [drafts]), () =>
		frappe
			.call({
				method: "traceability_plus.recall.notices.send_notifications",
				args: { name: frm.doc.name },
				freeze: true,
			})
			.then((r) => {
				const result = r.message || {};
				frappe.show_alert({
					message: result.queued
						? __("{0} notifications are being sent in the background", [result.queued])
						: __("{0} notifications queued for sending", [result.sent]),
					indicator: "green",
				});
				frm.reload_doc();
			}),
	);
}

// Customers with no contact email got no notice: list them with what to do about it.
function show_customers_without_email(frm, perm) {
	const missing = (frm.doc.customers || []).filter((row) => row.notification_status === "No Email");
	if (!missing.length) {
		return;
	}
	const esc = frappe.utils.escape_html;
	const items = missing
		.map(
			(row) =>
				`<li><a href="/app/customer/${encodeURIComponent(row.customer)}">${esc(
					row.customer_name || row.customer,
				)}</a></li>`,
		)
		.join("");
	const can_draft = perm.submit && frm.doc.status === "Open";
	frm.dashboard.add_section(
		`<div data-tp-customers-without-email>
			<p>${esc(
				__(
					"{0} affected customers have no contact with an email address, so no notice was drafted for them:",
					[missing.length],
				),
			)}</p>
			<ul>${items}</ul>
			<p class="text-muted">${esc(
				can_draft
					? __(
							"Add an email address to each customer's primary contact, then click Draft Missing Notices. Tell those you cannot email another way (phone, letter) and write how in the close note.",
						)
					: __(
							"Ask a Quality Manager to add their email addresses and draft their notices, or to tell them another way.",
						),
			)}</p>
		</div>`,
		__("Customers Without Email"),
	);
	if (can_draft) {
		frm.add_custom_button(__("Draft Missing Notices"), () =>
			frappe
				.call({
					method: "traceability_plus.recall.notices.draft_missing_notices",
					args: { name: frm.doc.name },
					freeze: true,
				})
				.then((r) => {
					const result = r.message || {};
					frappe.show_alert({
						message: __("{0} notices drafted; {1} customers still have no email address.", [
							result.drafted,
							result.still_missing,
						]),
						indicator: result.still_missing ? "orange" : "green",
					});
					frm.reload_doc();
				}),
		);
	}
}

function make_quarantine_transfer(frm) {
	call(frm, "make_quarantine_transfer").then((stock_entry) => {
		if (stock_entry) {
			frappe.set_route("Form", "Stock Entry", stock_entry);
		}
	});
}

function close_recall(frm) {
	frappe.prompt(
		{ fieldname: "note", fieldtype: "Small Text", label: __("Close Note"), reqd: 1 },
		({ note }) => call(frm, "close_recall", { note }),
		__("Close Recall"),
		__("Close"),
	);
}
