"""The server-rendered SVG charts: accessible, escaped, no script, no inline style."""

from xml.etree import ElementTree

from django.utils import translation

from plein.annual_report.charts import bar_chart, describe

SVG = "{http://www.w3.org/2000/svg}"


def test_chart_is_an_image_with_a_title_and_a_description():
    with translation.override("en"):
        chart = bar_chart("c1", "Reports received", ["2020", "2021", "2022"], [1, None, 3])
    root = ElementTree.fromstring(str(chart.svg))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{SVG}title").text == "Reports received"
    desc = root.find(f"{SVG}desc").text
    assert desc == "Reports received per year. 2020: 1; 2021: n/a; 2022: 3. Higher than in 2020."
    assert len(root.findall(f"{SVG}rect")) == 2  # no bar for the missing year
    assert "<script" not in str(chart.svg) and "style=" not in str(chart.svg)


def test_text_is_escaped_and_zero_gets_a_whole_number_axis():
    with translation.override("en"):
        chart = bar_chart("c2", "<Meldingen & zo>", ["2023", "2024"], [0, 0])
    svg = str(chart.svg)
    assert "&lt;Meldingen &amp; zo&gt;" in svg
    root = ElementTree.fromstring(svg)
    ticks = [t.text for t in root.findall(f"{SVG}text")][:5]
    assert ticks == ["0", "1", "2", "3", "4"]


def test_description_says_when_the_figure_fell():
    with translation.override("en"):
        assert describe("Oaths", ["2023", "2024"], [10, 4]).endswith("Lower than in 2023.")
        assert describe("Oaths", ["2023", "2024"], [4, 4]).endswith("The same as in 2023.")
