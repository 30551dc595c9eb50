// Hold and Release buttons on the Batch and Serial No forms, the hold's headline and the
// hold history. Both buttons ask for the reason; the server records who and when.

function traceability_plus_hold_history(frm) {
	const history = (frm.doc.__onload || {}).tp_hold_history || [];
	if (!history.length) {
		return;
	}
	const esc = frappe.utils.escape_html;
	const rows = history
		.map(
			(event) => `<tr>
				<td>${esc(frappe.datetime.str_to_user(event.logged_on))}</td>
				<td>${esc(event.action === "Hold" ? __("Hold") : __("Release"))}</td>
				<td>${esc(event.user || "")}</td>
				<td>${esc(event.reason || "")}</td>
				<td>${esc(event.reference_name ? `${__(event.reference_doctype)} ${event.reference_name}` : "")}</td>
			</tr>`,
		)
		.join("");
	frm.dashboard.add_section(
		`<table class="table table-sm small" data-tp-hold-history>
			<thead><tr>
				<th>${esc(__("On"))}</th><th>${esc(__("Action"))}</th><th>${esc(__("User"))}</th>
				<th>${esc(__("Reason"))}</th><th>${esc(__("Placed or Released For"))}</th>
			</tr></thead>
			<tbody>${rows}</tbody>
		</table>`,
		__("Hold History"),
	);
}

// The form's status pill says On Hold (or, for a batch, Expired) instead of "Active".
function traceability_plus_hold_indicator(frm) {
	if (frm.doc.tp_on_hold) {
		frm.page.set_indicator(__("On Hold"), "red");
	} else if (
		frm.doctype === "Batch" &&
		frm.doc.expiry_date &&
		frappe.datetime.get_diff(frm.doc.expiry_date, frappe.datetime.nowdate()) < 0
	) {
		frm.page.set_indicator(__("Expired"), "orange");
	}
}

// The reason is user text: Frappe 15 shows a read-only Small Text as HTML, so an <img>
// kept by the save's sanitising would become an element. Shown as text on every version.
function traceability_plus_hold_reason_as_text(frm) {
	const field = frm.fields_dict.tp_hold_reason;
	if (!field) return;
	field.df.formatter = (value) => frappe.utils.escape_html(value || "");
	field.refresh();
}

function traceability_plus_hold_buttons(frm) {
	traceability_plus_hold_reason_as_text(frm);
	if (frm.is_new()) {
		return;
	}
	traceability_plus_hold_history(frm);
	const on_hold = frm.doc.tp_on_hold;
	traceability_plus_hold_indicator(frm);
	if (on_hold) {
		// Everyone who opens the form sees why the stock cannot leave.
		frm.dashboard.set_headline_alert(
			__("On hold since {0} by {1}: {2}", [
				frappe.datetime.str_to_user(frm.doc.tp_held_on),
				frm.doc.tp_held_by,
				frappe.utils.escape_html(frm.doc.tp_hold_reason || ""),
			]),
			"red",
		);
	}
	// Holding is not writing the document: the server says whether this user's roles may.
	if (!(frm.doc.__onload || {}).tp_may_hold) {
		return;
	}
	const label = on_hold ? __("Release Hold") : __("Put On Hold");
	frm.add_custom_button(
		label,
		() => {
			frappe.prompt(
				[
					{
						fieldname: "reason",
						fieldtype: "Small Text",
						label: on_hold ? __("Why is the hold released?") : __("Why is it held?"),
						reqd: 1,
					},
				],
				(values) => {
					frappe
						.xcall(
							on_hold
								? "traceability_plus.stock_tracking.holds.release_stock"
								: "traceability_plus.stock_tracking.holds.hold_stock",
							{ doctype: frm.doctype, name: frm.doc.name, reason: values.reason },
						)
						.then(() => frm.reload_doc());
				},
				label,
				on_hold ? __("Release") : __("Hold"),
			);
		},
		__("Traceability"),
	);
}

frappe.ui.form.on("Batch", { refresh: traceability_plus_hold_buttons });
frappe.ui.form.on("Serial No", { refresh: traceability_plus_hold_buttons });
