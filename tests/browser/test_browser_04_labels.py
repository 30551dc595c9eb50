"""4. Print Labels on a Batch: the Traceability group's button, the dialog's count and
preview, and the downloaded PDF, whose barcodes decode to the batch number."""

import pypdfium2
import zxingcpp

BATCH_QTY = 6  # the seed receives 6 units of the "expiring" batch: one label per unit


def decode_pdf(path, dpi: int = 300) -> list[str]:
	texts = []
	for page in pypdfium2.PdfDocument(str(path)):
		image = page.render(scale=dpi / 72).to_pil()
		texts += [result.text for result in zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.Plain)]
	return texts


def test_print_labels_on_batch(desk, seed, tmp_path):
	page = desk.page
	batch = seed["batches"]["expiring"]
	desk.open_form("Batch", batch)
	desk.shot("batch-form")
	items = desk.group_items("Traceability")
	assert "Print Labels" in items, f"the Batch form's Traceability group has {items}, no Print Labels"
	desk.click_group_item("Traceability", "Print Labels")
	dialog = page.locator(".modal.show:visible, .modal:visible").filter(has_text="Print Labels").last
	dialog.wait_for(state="visible")
	count = dialog.locator("[data-tp-label-count]")
	count.wait_for(state="visible")
	preview = dialog.locator("[data-tp-label-plan] img, img").first
	preview.wait_for(state="visible")
	page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=preview.element_handle())
	desk.shot("print-labels-dialog")
	labels = int(count.get_attribute("data-tp-label-count"))
	assert labels == BATCH_QTY, f"the dialog plans {labels} labels for a batch of {BATCH_QTY} units"
	assert str(BATCH_QTY) in count.inner_text()
	assert (preview.get_attribute("src") or "").startswith("data:image/svg+xml"), "no label preview"

	with page.expect_download(timeout=60_000) as download_info:
		dialog.locator(".modal-footer .btn-primary, .btn-modal-primary").first.click()
	download = download_info.value
	pdf = tmp_path / (download.suggested_filename or "labels.pdf")
	download.save_as(str(pdf))
	desk.shot("after-print")
	assert pdf.read_bytes()[:5] == b"%PDF-", f"the download {download.suggested_filename} is no PDF"
	codes = decode_pdf(pdf)
	assert codes, "no barcode could be read in the labels' PDF"
	assert all(batch in code for code in codes), f"barcodes {codes} do not all carry batch {batch}"
	assert len(codes) == labels, f"the PDF has {len(codes)} barcodes, the dialog said {labels} labels"
