"""The timeliness report's charts: real PNGs of the size promised, the same bytes for the
same figures, different pictures for different figures."""

from __future__ import annotations

import io
from dataclasses import replace

from PIL import Image

from bot.adapters.report_charts import appendix_b_height, charts, on_time_height
from tests.fixtures.timeliness_year import invented_month, invented_year


def _image(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()  # decodes every row: a truncated or corrupt file fails here
    return image


def test_the_charts_are_pngs_of_the_expected_size() -> None:
    on_time, appendix_b = charts(invented_year())
    assert on_time.png.startswith(b"\x89PNG\r\n\x1a\n")
    assert _image(on_time.png).format == "PNG"
    # Six measures, four quarters; four agencies.
    assert _image(on_time.png).size == (1000, on_time_height(6, 4)) == (1000, 1120)
    assert _image(appendix_b.png).size == (1000, appendix_b_height(4)) == (1000, 430)
    assert (on_time.width, on_time.height) == _image(on_time.png).size
    assert "on time" in on_time.title and "Appendix B" in appendix_b.title
    assert on_time.alt and appendix_b.alt


def test_the_same_figures_give_the_same_bytes_with_no_date_or_software_in_the_file() -> None:
    first = [c.png for c in charts(invented_year())]
    assert first == [c.png for c in charts(invented_year())]
    for png in first:
        image = _image(png)
        assert not {"Software", "Creation Time", "date:create"} & set(image.info)
        assert b"tIME" not in png  # the PNG chunk for a modification time


def test_different_figures_draw_different_charts() -> None:
    year = invented_year()
    worse = replace(
        year,
        quarters=(
            replace(
                year.quarters[0],
                measures=(
                    replace(year.quarters[0].measures[0], on_time=0),
                    *year.quarters[0].measures[1:],
                ),
            ),
            *year.quarters[1:],
        ),
        whole=replace(
            year.whole,
            appendix_b=(replace(year.whole.appendix_b[0], on_time=1), *year.whole.appendix_b[1:]),
        ),
    )
    before, after = charts(year), charts(worse)
    for old, new in zip(before, after, strict=True):
        assert old.png != new.png
        assert _image(old.png).size == _image(new.png).size
        assert _image(old.png).tobytes() != _image(new.png).tobytes()


def test_a_month_without_agencies_has_only_the_on_time_chart() -> None:
    month = invented_month()
    found = charts(replace(month, whole=replace(month.whole, appendix_b=())))
    assert [c.name for c in found] == ["on-time-by-quarter"]
    assert _image(found[0].png).size == (1000, on_time_height(6, 1))


def test_drawing_leaves_the_process_matplotlib_settings_alone() -> None:
    import matplotlib

    before = dict(matplotlib.rcParams)
    charts(invented_month())
    assert dict(matplotlib.rcParams) == before
