"""``securecomm afis``: the fingerprint engine from the command line.

- ``extract --out DIR [--ppi N] IMAGE...``: one template per image, ``DIR/<stem>.sct`` (our
  exact format) and ``DIR/<stem>.iso`` (ISO/IEC 19794-2:2005); failures listed on stderr;
  exit 0 when every image gave a template, 1 when some did not (the others are written).
- ``scores --out FILE TEMPLATE...``: every unordered pair compared once, on every core
  (NUMBA_NUM_THREADS), CSV lines ``a,b,score`` (file stems; calibrated score = −log10
  estimated FMR, higher = more similar); prints comparisons/s in total and per core.
- ``show IMAGE --out PNG`` and ``pair IMAGE_A IMAGE_B --out PNG``: the examiner's view.
- ``bench``: the FVC benchmark (``benchmarks/afis_fvc.py``).
- ``recode-gallery SRC DST``: carry a 1:N gallery of an older code layout to the current one
  (from its stored minutiae, no images needed) into a new gallery at DST.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Annotated

import numpy as np
import typer
from rich.progress import track

from securecomm.afis.errors import AfisError
from securecomm.afis.types import FingerImage, Template
from securecomm.cli.output import console, err_console, user_errors
from securecomm.errors import SecurecommError

app = typer.Typer(
    name="afis",
    help="Fingerprint engine: extract templates, compare them, draw the examiner's view.",
    no_args_is_help=True,
)

PpiOption = Annotated[
    float | None,
    typer.Option("--ppi", help="Resolution of the images (default: from the file, else 500)."),
]
#: Relative size difference above which a template is stretched onto its image.
STRETCH_TOLERANCE = 0.02


@app.command()
@user_errors
def extract(
    images: Annotated[
        list[Path], typer.Argument(help="Image files (PNG, TIFF, BMP, JPEG, JP2, WSQ).")
    ],
    out: Annotated[Path, typer.Option("--out", help="Folder for the templates.")],
    ppi: PpiOption = None,
) -> None:
    """Extract a minutiae template from every image: DIR/<stem>.sct and DIR/<stem>.iso."""
    from securecomm.afis.extraction import extract as extract_template
    from securecomm.afis.image import load_image
    from securecomm.afis.templates import NATIVE_FORMAT, write_template

    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SecurecommError(f"cannot create the output folder {out}: {exc.strerror}") from exc
    failures: list[str] = []
    counts: list[int] = []
    started = time.perf_counter()
    for path in track(images, description="extracting", console=err_console):
        try:
            template = extract_template(load_image(path, ppi=ppi))
            (out / f"{path.stem}.{NATIVE_FORMAT}").write_bytes(write_template(template))
            (out / f"{path.stem}.iso").write_bytes(write_template(template, "iso"))
            counts.append(template.count)
        except (AfisError, OSError) as exc:
            failures.append(f"{path}: {exc}")
    elapsed = time.perf_counter() - started
    for line in failures:
        err_console.print(f"[red]failed:[/] {line}", highlight=False)
    console.print(
        f"{len(counts)} of {len(images)} images → templates in {out} "
        f"({np.mean(counts) if counts else 0:.1f} minutiae on average, "
        f"{1000 * elapsed / max(len(images), 1):.0f} ms per image)"
    )
    if failures:
        raise typer.Exit(1)


@app.command()
@user_errors
def scores(
    templates: Annotated[list[Path], typer.Argument(help="Template files (.sct or .iso).")],
    out: Annotated[Path, typer.Option("--out", help="CSV file: lines a,b,score.")],
) -> None:
    """Compare every unordered pair of templates on every core; write CSV lines a,b,score.

    The comparisons run on numba's threads (all cores; NUMBA_NUM_THREADS to change that).
    The rate printed is the comparisons' own wall time (after the kernel is loaded), in total
    and per thread, and the time of the whole command after start-up.
    """
    started = time.perf_counter()
    import numba

    from securecomm.afis.matching import compare_pairs, pack, prepare
    from securecomm.afis.templates import read_template

    if len(templates) < 2:
        raise SecurecommError("scores needs at least two templates")
    loaded = [read_template(p) for p in templates]
    packed = pack([prepare(t) for t in loaded])
    ia, ib = np.triu_indices(len(loaded), k=1)  # itertools.combinations order
    compare_pairs(packed, ia[:1], ib[:1], parallel=True)  # load the kernel, start the threads
    threads = numba.get_num_threads()
    t0 = time.perf_counter()
    values = compare_pairs(packed, ia, ib, parallel=True)
    elapsed = time.perf_counter() - t0
    stems = [p.stem for p in templates]
    with out.open("w", encoding="utf-8") as f:
        f.writelines(
            f"{stems[i]},{stems[j]},{s:.4f}\n"
            for i, j, s in zip(ia.tolist(), ib.tolist(), values.tolist(), strict=True)
        )
    rate = len(ia) / elapsed if elapsed > 0 else float("inf")
    console.print(
        f"{len(ia):,} comparisons written to {out}: {rate:,.0f} comparisons/s on {threads} "
        f"{'core' if threads == 1 else 'cores'} ({rate / threads:,.0f} per core; comparisons "
        f"{elapsed:.2f} s, command {time.perf_counter() - started:.2f} s after start-up)",
        highlight=False,
        soft_wrap=True,
    )


def _view_template(image: FingerImage, template_path: Path | None) -> tuple[Template, bool]:
    """The template to draw on ``image`` and whether it must be stretched onto it."""
    if template_path is None:
        from securecomm.afis.extraction import extract as extract_template

        return extract_template(image), False
    from securecomm.afis.templates import read_template

    t = read_template(template_path)
    scale = image.ppi / t.ppi
    stretch = (
        abs(t.width * scale - image.width) > STRETCH_TOLERANCE * image.width
        or abs(t.height * scale - image.height) > STRETCH_TOLERANCE * image.height
    )
    return t, stretch


@app.command()
@user_errors
def show(
    image: Annotated[Path, typer.Argument(help="The fingerprint image.")],
    out: Annotated[Path, typer.Option("--out", help="PNG to write.")],
    template: Annotated[
        Path | None, typer.Option(help="Draw this template instead of extracting one.")
    ] = None,
    ppi: PpiOption = None,
) -> None:
    """Write a PNG of the print with its minutiae."""
    from securecomm.afis.examiner import render_minutiae
    from securecomm.afis.image import load_image

    img = load_image(image, ppi=ppi)
    t, stretch = _view_template(img, template)
    render_minutiae(img, t, stretch=stretch, title=image.name).save(out)
    console.print(f"{t.count} minutiae drawn on {image.name} → {out}")


@app.command()
@user_errors
def pair(
    image_a: Annotated[Path, typer.Argument(help="First fingerprint image.")],
    image_b: Annotated[Path, typer.Argument(help="Second fingerprint image.")],
    out: Annotated[Path, typer.Option("--out", help="PNG to write.")],
    template_a: Annotated[Path | None, typer.Option(help="Template of the first image.")] = None,
    template_b: Annotated[Path | None, typer.Option(help="Template of the second image.")] = None,
    ppi: PpiOption = None,
) -> None:
    """Write a PNG of two prints side by side with the paired minutiae joined, and the score."""
    from securecomm.afis.examiner import render_pair, verdict
    from securecomm.afis.image import load_image
    from securecomm.afis.matching import compare

    img_a, img_b = load_image(image_a, ppi=ppi), load_image(image_b, ppi=ppi)
    ta, stretch_a = _view_template(img_a, template_a)
    tb, stretch_b = _view_template(img_b, template_b)
    result = compare(ta, tb)
    picture = render_pair(
        img_a, ta, img_b, tb, result, stretch=stretch_a or stretch_b,
        titles=(image_a.stem, image_b.stem),
    )  # fmt: skip
    picture.save(out)
    console.print(f"{verdict(result.score)}; {len(result.pairs)} paired minutiae → {out}")


def _benchmark_module() -> ModuleType:
    import securecomm

    root = Path(securecomm.__file__).resolve().parents[2]
    script = root / "benchmarks" / "afis_fvc.py"
    if not script.is_file():
        raise SecurecommError(f"benchmark script not found at {script} (needs the source tree)")
    spec = importlib.util.spec_from_file_location("afis_fvc_benchmark", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@app.command()
@user_errors
def bench(
    sets: Annotated[
        str, typer.Option(help="Comma-separated sets, e.g. fvc2002/DB1_B,fvc2004/DB1_B.")
    ] = "fvc2002/DB1_B,fvc2002/DB2_B,fvc2002/DB3_B,fvc2002/DB4_B,fvc2004/DB1_B",
    mode: Annotated[str, typer.Option(help="iso (comparator only), e2e, or both.")] = "both",
    runs: Annotated[int, typer.Option(help="Speed runs of at least 1 s (median).")] = 5,
    data: Annotated[Path | None, typer.Option(help="Shared data folder.")] = None,
    out: Annotated[
        Path | None, typer.Option(help="JSON results (default benchmarks/results/afis_fvc.json).")
    ] = None,
    det: Annotated[
        Path | None, typer.Option(help="DET PNG (default benchmarks/results/afis_fvc_det.png).")
    ] = None,
) -> None:
    """Run the FVC benchmark (BENCHMARKS.md §1) and write benchmarks/results/afis_fvc.json."""
    module = _benchmark_module()
    argv = ["--sets", sets, "--mode", mode, "--runs", str(runs)]
    for flag, value in (("--data", data), ("--out", out), ("--det", det)):
        if value is not None:
            argv += [flag, str(value)]
    module.main(argv)


@app.command("recode-gallery")
@user_errors
def recode_gallery(
    src: Annotated[Path, typer.Argument(help="Gallery of an older (or the current) code layout.")],
    dst: Annotated[Path, typer.Argument(help="New gallery; must not exist or be empty.")],
    batch: Annotated[
        int, typer.Option(help="Identities decoded and committed at a time.", min=1)
    ] = 20_000,
) -> None:
    """Write a gallery's live identities to a new gallery with the current code layout."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from securecomm.afis.search.parameters import CODE_LAYOUT_VERSION
    from securecomm.afis.search.recode import recode_gallery as recode

    started = time.perf_counter()
    with Progress(
        TextColumn("recoding shard {task.fields[shard]}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task("recode", total=None, shard=0)

        def progress(shard: int, copied: int, total: int) -> None:
            bar.update(task, completed=copied, total=total, shard=shard)

        report = recode(src, dst, batch=batch, progress=progress)
    console.print(
        f"{report.identities:,} identities copied ({report.minutiae:,} minutiae), "
        f"{report.deleted:,} deleted or replaced slots skipped\n"
        f"code layout {report.source_layout} → {CODE_LAYOUT_VERSION}, {report.shards} shards, "
        f"{time.perf_counter() - started:.1f} s: {dst}",
        highlight=False,
        soft_wrap=True,
    )
