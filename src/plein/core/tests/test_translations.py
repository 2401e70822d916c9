"""The Dutch catalogues of the apps agree with each other.

Django merges the apps' catalogues into one, and for a msgid that two apps translate, the app listed first in
INSTALLED_APPS wins everywhere. So when two apps translate the same English text differently, one of them silently
shows the other's Dutch ("Due" on the oath page would read "Nog te doen"). Such texts need a context (pgettext).
"""

from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parents[2]


def _string(lines: list[str], key: str) -> str | None:
    out, taking = [], False
    for line in lines:
        if line.startswith(key):
            taking = True
            out.append(line[len(key) :].strip()[1:-1])
        elif taking and line.startswith('"'):
            out.append(line.strip()[1:-1])
        elif taking:
            break
    return "".join(out) if taking else None


def entries(po: Path):
    """(context, msgid) → msgstr of one catalogue (plural forms by their first form)."""
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.strip().splitlines() if not line.startswith("#")]
        msgid = _string(lines, "msgid ")
        if not msgid:
            continue  # the header
        msgstr = _string(lines, "msgstr ")
        if msgstr is None:
            msgstr = _string(lines, "msgstr[0] ")
        yield (_string(lines, "msgctxt ") or "", msgid), msgstr


def clashes(catalogues: dict[str, Path]) -> list[str]:
    found: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for app, po in catalogues.items():
        for key, msgstr in entries(po):
            found[key][app] = msgstr
    return sorted(
        f"{key[1]!r}{' (' + key[0] + ')' if key[0] else ''}: {translations}"
        for key, translations in found.items()
        if len(set(translations.values())) > 1
    )


def test_no_two_apps_translate_the_same_text_differently():
    catalogues = {po.parts[-5]: po for po in sorted(SRC.glob("*/locale/nl/LC_MESSAGES/django.po"))}
    assert len(catalogues) >= 10
    problems = clashes(catalogues)
    assert not problems, "Give these texts a context with pgettext, the first app's Dutch wins:\n" + "\n".join(problems)


def test_the_check_finds_a_clash_and_accepts_a_context(tmp_path):
    def catalogue(name, body):
        path = tmp_path / name / "locale" / "nl" / "LC_MESSAGES" / "django.po"
        path.parent.mkdir(parents=True)
        path.write_text('msgid ""\nmsgstr ""\n"Language: nl\\n"\n\n' + body, encoding="utf-8")
        return path

    oaths = catalogue("oaths", 'msgid "Due"\nmsgstr "Nog af te leggen"\n')
    learning = catalogue("learning", 'msgid "Due"\nmsgstr ""\n"Nog te doen"\n')
    assert clashes({"oaths": oaths, "learning": learning}) == [
        "'Due': {'oaths': 'Nog af te leggen', 'learning': 'Nog te doen'}"
    ]
    learning.write_text('msgctxt "training"\nmsgid "Due"\nmsgstr "Nog te doen"\n', encoding="utf-8")
    assert clashes({"oaths": oaths, "learning": learning}) == []
