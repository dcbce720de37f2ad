"""The engine's narrow face: every public name resolves, loads on first use, and works."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from securecomm import afis


@pytest.mark.parametrize("name", afis.__all__)
def test_every_public_name_resolves_to_its_definition(name: str) -> None:
    value = getattr(afis, name)
    assert getattr(value, "__name__", name) == name


def test_all_lists_exactly_the_facade() -> None:
    assert afis.__all__ == sorted(afis._FACADE)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'gallery_internals'"):
        afis.gallery_internals  # noqa: B018


def test_importing_a_piece_does_not_load_the_numeric_kernels() -> None:
    code = "import sys, securecomm.afis.types; print('numba' in sys.modules)"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "False"


def test_image_to_template_to_score_through_the_facade(shared_data: Path) -> None:
    first = afis.extract(afis.load_image(shared_data / "fvc/fvc2002/DB1_B/101_1.png", ppi=500))
    second = afis.extract(afis.load_image(shared_data / "fvc/fvc2002/DB1_B/101_2.png", ppi=500))
    other = afis.extract(afis.load_image(shared_data / "fvc/fvc2002/DB1_B/102_1.png", ppi=500))
    iso = afis.read_template(afis.write_template(second, "iso"))
    assert afis.compare(first, iso).score > afis.compare(first, other).score
    with pytest.raises(afis.AfisError):
        afis.load_image(shared_data / "fvc/fvc2002/DB1_B/does-not-exist.png")


def test_transparency_through_the_facade(shared_data: Path) -> None:
    """Why two prints matched: the numbered pairs with their local similarity, and a picture."""
    images = [
        afis.load_image(shared_data / f"fvc/fvc2002/DB1_B/101_{k}.png", ppi=500) for k in (1, 2)
    ]
    a, b = (afis.extract(image) for image in images)
    comparison = afis.compare(a, b)
    table = afis.pair_table(a, b, comparison)
    assert [p.number for p in table] == list(range(1, len(comparison.pairs) + 1))
    assert len(table) >= 4 and all(isinstance(p, afis.Pair) for p in table)
    picture = afis.render_pair(images[0], a, images[1], b, comparison)
    assert picture.width > images[0].width and picture.height >= images[0].height
