"""Every page reads its numbers the one way (core/display.py): as the main roles see the menu's
pages and a project's pages, in Chinese and in English, no amount is shown without thousands
separators, no Decimal keeps its trailing zeros and no time is shown as a machine writes it."""

import pytest

from keyprojects.core.testing.pages import in_language, menu_urls, raw_numbers, visible_text

from .conftest import EXTRA, ROLES, project_pages

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("role", ROLES)
def test_no_page_shows_a_raw_number(role, language, city, client_for):
    client = in_language(client_for(role), language)
    urls = list(dict.fromkeys(menu_urls(client) + EXTRA + project_pages(city)))
    found = {}
    for url in urls:
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        raw = raw_numbers(visible_text(response.content.decode()))
        if raw:
            found[url] = raw[:3]
    assert not found, "raw numbers:\n" + "\n".join(f"{url}  {raw}" for url, raws in found.items() for raw in raws)


def test_the_scan_finds_what_it_looks_for():
    text = visible_text(
        "<p>891057.65 万元</p><p title='14424.5100000000 / 15566.02'>x</p><td>2026-12-04T20:23:31.531Z</td>"
        "<input value='1300000.00'><script>var a = 1300000.00</script><p>130.00 亿元 · 1,300,000.00 · 48.2%</p>"
    )
    found = raw_numbers(text)
    assert [f.split(":")[0] for f in found] == [
        "no thousands separators",  # 891057.65
        "no thousands separators",  # 14424.51…
        "no thousands separators",  # 15566.02
        "trailing zeros",
        "machine time",
    ]
    assert raw_numbers("130.00 亿元 · 1,300,000.00 万元 · 48.2% · 2024年3月5日 14:20 · 33.48809°") == []
