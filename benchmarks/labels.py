"""Benchmark: 1,000 GS1-128 labels into one PDF, the app's vector way vs the naive way.

Needs no site: run it with any Python that has the app's dependencies (the test venv
or the bench's env):

    python benchmarks/labels.py --labels 1000
    python benchmarks/labels.py --labels 20000 --rounds 1 --approaches vector,vector-in-parts

vector-in-parts is how a background run renders (PDFs of 2,000 labels): its peak memory
should stay that of one part whatever the run's size, where one whole PDF grows with it.

The app's way (traceability_plus.core.labels) has python-barcode encode the modules and
reportlab draw them as rectangles. The naive way renders a PNG per label with
python-barcode's ImageWriter and pastes it into the PDF. Each runs in a fresh Python
process, so its peak memory (maximum resident set size) is its own; the script prints
time, peak memory and PDF size of each, best of --rounds.
"""

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import date
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

GTIN = "09506000134352"


def element_strings(count: int):
	from traceability_plus.core.gs1 import element_string

	return [
		element_string(gtin=GTIN, batch=f"L{n:07d}", expiry_date=date(2027, 1, 31), serial=f"S{n:06d}")
		for n in range(count)
	]


def vector_labels(count: int) -> bytes:
	from traceability_plus.core.labels import (
		GS1_128,
		Barcode,
		Label,
		LabelTemplate,
		PageLayout,
		render_labels,
	)

	labels = [
		Label(("Paracetamol 500 mg", f"Batch L{n:07d}"), Barcode(GS1_128, es.barcode_data, es.human_readable))
		for n, es in enumerate(element_strings(count))
	]
	return render_labels(LabelTemplate(PageLayout(100, 50)), labels)


def png_per_label(count: int) -> bytes:
	from barcode.codex import Gs1_128
	from barcode.writer import ImageWriter
	from reportlab.lib.units import mm
	from reportlab.lib.utils import ImageReader
	from reportlab.pdfgen.canvas import Canvas

	buffer = BytesIO()
	canvas = Canvas(buffer, pagesize=(100 * mm, 50 * mm))
	for n, es in enumerate(element_strings(count)):
		image = BytesIO()
		Gs1_128(es.barcode_data, writer=ImageWriter()).write(image, {"module_width": 0.25, "dpi": 300})
		image.seek(0)
		canvas.setFont("Helvetica-Bold", 7)
		canvas.drawString(2 * mm, 46 * mm, "Paracetamol 500 mg")
		canvas.setFont("Helvetica", 7)
		canvas.drawString(2 * mm, 43 * mm, f"Batch L{n:07d}")
		canvas.drawImage(ImageReader(image), 2 * mm, 2 * mm, 96 * mm, 38 * mm)
		canvas.showPage()
	canvas.save()
	return buffer.getvalue()


def vector_labels_in_parts(count: int) -> int:
	"""The background job's way: labels made one at a time, PDFs of 2,000 labels each
	(traceability_plus.labels.printing.LABELS_PER_PART), each dropped once made as the job drops it
	once attached; returns the total size."""
	from traceability_plus.core.gs1 import element_string
	from traceability_plus.core.labels import (
		GS1_128,
		Barcode,
		Label,
		LabelTemplate,
		PageLayout,
		render_label_parts,
	)

	def labels():
		for n in range(count):
			es = element_string(
				gtin=GTIN, batch=f"L{n:07d}", expiry_date=date(2027, 1, 31), serial=f"S{n:06d}"
			)
			yield Label(
				("Paracetamol 500 mg", f"Batch L{n:07d}"),
				Barcode(GS1_128, es.barcode_data, es.human_readable),
			)

	return sum(len(part) for part in render_label_parts(LabelTemplate(PageLayout(100, 50)), labels(), 2000))


APPROACHES = {
	"vector": vector_labels,
	"vector-in-parts": vector_labels_in_parts,
	"png-per-label": png_per_label,
}


def run_one(approach: str, count: int) -> dict:
	"""In this process: render, and report time, peak memory and size."""
	started = time.perf_counter()
	pdf = APPROACHES[approach](count)
	elapsed = time.perf_counter() - started
	peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
	size = pdf if isinstance(pdf, int) else len(pdf)
	return {"seconds": elapsed, "peak_mib": peak_kib / 1024, "pdf_kib": size / 1024}


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--labels", type=int, default=1000)
	parser.add_argument("--rounds", type=int, default=3)
	parser.add_argument("--approach", choices=sorted(APPROACHES), help=argparse.SUPPRESS)
	parser.add_argument(
		"--approaches", default=",".join(APPROACHES), help="comma-separated, of: " + ", ".join(APPROACHES)
	)
	args = parser.parse_args()
	if args.approach:  # a child process: one measurement, as JSON
		print(json.dumps(run_one(args.approach, args.labels)))
		return

	print(f"{args.labels} GS1-128 labels, best of {args.rounds} fresh processes")
	for approach in args.approaches.split(","):
		results = []
		for _round in range(args.rounds):
			output = subprocess.run(
				[sys.executable, __file__, "--labels", str(args.labels), "--approach", approach],
				check=True,
				capture_output=True,
				text=True,
			).stdout
			results.append(json.loads(output))
		best = min(results, key=lambda result: result["seconds"])
		times = ", ".join(f"{result['seconds']:.2f}" for result in results)
		print(
			f"  {approach:14} {best['seconds']:6.2f} s  (rounds: {times})  peak memory "
			f"{max(r['peak_mib'] for r in results):6.1f} MiB  PDF {best['pdf_kib']:8.0f} KiB"
		)


if __name__ == "__main__":
	main()
