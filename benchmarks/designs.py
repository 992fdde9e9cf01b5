"""Document designs: a bulk print of 300 documents with the richest shipped design (the partner
layout, three partner logos, a background image, a partner signatory) against the current
design, one rendering process each; prints the time per document of both and their ratio
(target: at most 1.3).

`python -m benchmarks designs` (or `python -m benchmarks.designs`).
"""

import io
import multiprocessing
import os
import tempfile

from benchmarks.certificates import _render, _setup


def _logo(width: int, height: int, color: tuple, label: str) -> bytes:
    """A flat-coloured logo as offices upload them: shapes and a name, a few kB of PNG."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, height - 10, height - 10), fill=color)
    draw.rectangle((height + 10, height // 3, width - 10, height // 3 + 12), fill=color)
    draw.text((height + 10, height // 2), label, fill=(40, 40, 40, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _background() -> bytes:
    """A light guilloche-like background photo (JPEG), larger than the page needs."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (2480, 1754), (252, 250, 244))
    draw = ImageDraw.Draw(image)
    for n in range(0, 2480, 24):
        draw.line((n, 0, 2480 - n, 1754), fill=(236, 230, 214), width=2)
        draw.arc((n - 400, 200, n + 400, 1500), 0, 360, fill=(240, 235, 222))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def _rich_design(session) -> None:
    """Give the course the partner layout with three logos and a background."""
    from training_app.catalog.models import DocumentKind
    from training_app.certificates import designs

    logos = [
        designs.store_image(designs.process_image(_logo(900, 360, color, label)))
        for color, label in (
            ((163, 35, 35, 255), "AFAD"),
            ((20, 70, 140, 255), "Selçuk Üniversitesi"),
            ((30, 110, 60, 255), "Çevre Bakanlığı"),
        )
    ]
    background = designs.store_image(designs.process_image(_background(), background=True))
    texts = designs.shipped_texts()
    texts["attendance_title"] = "Katılım Belgesi — AFAD ve Üniversite işbirliğiyle"
    texts["footer"] = "Belge no {belge_no} · {saat} · {yer}"
    design = designs.save_design(
        None,
        designs.DesignInput(
            name="Ortaklı, üç logo ve arka plan",
            layout="ortakli",
            texts=texts,
            primary_color="#0b5394",
            accent_color="#cc0000",
            partner_signatories=[{"name": "Dr. Ömer Çağlar", "title": "AFAD İl Müdürü"}],
            logos=logos,
            background=background,
        ),
        None,
    )
    designs.assign_designs(session.course, {DocumentKind.ATTENDANCE.value: design.id}, None)


def _print(count: int, prepare) -> float:
    """Milliseconds per document of a bulk print of `count` documents (one process)."""
    tmp = tempfile.TemporaryDirectory()
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp.name}/designs.sqlite3"
    _setup(url, count, prepare)
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    child = context.Process(target=_render, args=(url, tmp.name, 1, results))
    child.start()
    result = results.get(timeout=3600)
    child.join()
    tmp.cleanup()
    if result["status"] != "done":
        raise RuntimeError(f"print job {result['status']}: {result['error']}")
    return result["seconds"] * 1000 / count


def run() -> dict:
    count = int(os.environ.get("DESIGN_BENCH_COUNT", "300"))
    current = _print(count, None)
    rich = _print(count, _rich_design)
    ratio = rich / current
    print(f"designs benchmark: bulk print of {count} documents, one rendering process")
    print(f"  current design (Birlik standart): {current:8.1f} ms per document")
    print(f"  richest design (ortaklı, 3 logos, background): {rich:8.1f} ms per document")
    print(f"  ratio: {ratio:.2f} (target <= 1.3)")
    return {"count": count, "current_ms": current, "rich_ms": rich, "ratio": ratio}


if __name__ == "__main__":
    run()
