"""Submit a form as a browser does: what the page rendered, with only what a person types changed.

`await form_on(client, "/profiles/new")` GETs the page and parses its `<form>`s; `form.fill(...)`,
`form.check(...)`, `form.choose(...)` change fields the way a person can (typing into a field
that exists, ticking a rendered box, picking a rendered option); `await form.submit(client)`
posts exactly that to the form's action. Nothing here knows of CSRF: the hidden token travels
only because the page rendered it, so a page that forgets it fails its test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Iterable
from urllib.parse import urljoin

import httpx

TEXT_TYPES = {"text", "hidden", "password", "email", "number", "tel", "url", "search", "date",
              "datetime-local", "time", "month", "week", "color", "range"}


@dataclass
class Control:
    tag: str  # input, select, textarea, button
    type: str
    name: str
    value: str = ""
    checked: bool = False
    disabled: bool = False
    multiple: bool = False
    options: list[tuple[str, bool, str]] = field(default_factory=list)  # value, selected, label
    text: str = ""  # a button's label

    @property
    def label(self) -> str:
        return " ".join(self.text.split()) or self.value

    @property
    def chosen(self) -> list[str]:
        picked = [v for v, sel, _ in self.options if sel]
        if not picked and self.options and not self.multiple:
            picked = [self.options[0][0]]  # a single select shows (and sends) its first option
        return picked


@dataclass
class Form:
    page_url: str
    action: str
    method: str
    enctype: str
    controls: list[Control]
    attrs: dict[str, str]
    files: dict[str, tuple[str, bytes, str]] = field(default_factory=dict)
    pressed: str | None = None  # the label of the submit button clicked
    client: httpx.AsyncClient | None = None  # the browser that loaded the page

    # -- what a person can do ------------------------------------------------------------
    def _named(self, name: str, kinds: Iterable[str] | None = None) -> list[Control]:
        found = [c for c in self.controls if c.name == name and not c.disabled
                 and (kinds is None or c.tag in kinds or c.type in kinds)]
        if not found:
            names = sorted({c.name for c in self.controls if c.name})
            raise AssertionError(f"the form {self.action!r} has no field {name!r} a person can use; it has {names}")
        return found

    def fill(self, **values: object) -> "Form":
        """Set fields as a person would: type into text (replacing it), pick options (value or
        label; a list for a multiple select), tick boxes (True/False, or the list of values of a
        box group to leave ticked), pick a radio button by value."""
        for name, value in values.items():
            control = self._named(name)[0]
            picks = [str(v) for v in value] if isinstance(value, (list, tuple, set)) else None
            if control.tag == "select":
                self.choose(name, *(picks if picks is not None else [str(value)]))
            elif control.type == "checkbox":
                if picks is not None:
                    for box in self._named(name, ("checkbox",)):
                        box.checked = False
                    for v in picks:
                        self.check(name, v)
                else:
                    self.check(name, on=bool(value) and value not in ("", "off"))
            elif control.type == "radio":
                self.check(name, str(value))
            elif control.type in ("file", "submit", "button"):
                raise AssertionError(f"{name!r} is a {control.type}, not a field to type into")
            else:
                control.value = "" if value is None else str(value)
        return self

    def check(self, name: str, value: str | None = None, on: bool = True) -> "Form":
        """Tick (or untick) a rendered checkbox, or pick a radio button."""
        boxes = self._named(name, ("checkbox", "radio"))
        matching = [b for b in boxes if value is None or b.value == value]
        if not matching:
            raise AssertionError(f"no box {name!r} with value {value!r}; values {[b.value for b in boxes]}")
        if boxes[0].type == "radio":
            for b in boxes:
                b.checked = b is matching[0]
        else:
            for b in matching:
                b.checked = on
        return self

    def uncheck(self, name: str, value: str | None = None) -> "Form":
        return self.check(name, value, on=False)

    def choose(self, name: str, *picks: str) -> "Form":
        """Pick options of a select by value or by label: only options the page rendered."""
        select = self._named(name, ("select",))[0]
        values = []
        for pick in picks:
            hit = [v for v, _, label in select.options if pick in (v, label)]
            if not hit:
                offered = [(v, text) for v, _, text in select.options]
                raise AssertionError(f"{name!r} offers no {pick!r}; it offers {offered}")
            values.append(hit[0])
        if len(values) > 1 and not select.multiple:
            raise AssertionError(f"{name!r} takes one choice")
        select.options = [(v, v in values, label) for v, _, label in select.options]
        return self

    def attach(self, name: str, filename: str, content: bytes, content_type: str = "text/csv") -> "Form":
        self._named(name, ("file",))
        self.files[name] = (filename, content, content_type)
        return self

    def press(self, label: str) -> "Form":
        """Submit with the button whose label (or value) this is; its name/value then travel too."""
        if not any(c.type == "submit" and c.label == label for c in self.controls):
            raise AssertionError(f"no button {label!r} in the form {self.action!r}")
        self.pressed = label
        return self

    def value(self, name: str) -> str | list[str]:
        control = self._named(name)[0]
        if control.tag == "select":
            return control.chosen if control.multiple else (control.chosen[0] if control.chosen else "")
        return control.value

    # -- what the browser sends ----------------------------------------------------------
    def pairs(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for c in self.controls:
            if not c.name or c.disabled or c.type == "file":
                continue
            if c.type == "submit":
                if self.pressed is not None and c.label == self.pressed:
                    out.append((c.name, c.value))
                continue
            if c.type in ("checkbox", "radio"):
                if c.checked:
                    out.append((c.name, c.value or "on"))
            elif c.tag == "select":
                out.extend((c.name, v) for v in c.chosen)
            elif c.type in TEXT_TYPES or c.tag == "textarea":
                out.append((c.name, c.value))
        return out

    async def submit(self, client: httpx.AsyncClient | None = None, **kw) -> httpx.Response:
        client = client or self.client
        assert client is not None, "submit(client): this form was not loaded by a client"
        url = urljoin(self.page_url, self.action or self.page_url)
        if self.method == "get":
            return await client.get(url, params=self.pairs(), **kw)
        if self.enctype == "multipart/form-data":
            files = [(name, spec) for name, spec in self.files.items()]
            if not files:  # a browser sends an empty file part for an untouched file input
                files = [(c.name, ("", b"", "application/octet-stream")) for c in self.controls
                         if c.type == "file" and c.name and not c.disabled]
            data: dict[str, list[str]] = {}
            for k, v in self.pairs():
                data.setdefault(k, []).append(v)
            return await client.post(url, data=data, files=files, **kw)
        return await client.post(url, content=str(httpx.QueryParams(self.pairs())).encode(),
                                 headers={"Content-Type": "application/x-www-form-urlencoded"}, **kw)


class _FormParser(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Control | None = None
        self._option: list | None = None  # [value, selected, label]
        self._text: Control | None = None  # textarea or button collecting text

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: (v if v is not None else "") for k, v in attrs_list}
        if tag == "form":
            self._form = Form(self.page_url, attrs.get("action", ""), attrs.get("method", "get").lower(),
                              attrs.get("enctype", "application/x-www-form-urlencoded"), [], attrs)
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        common = dict(name=attrs.get("name", ""), disabled="disabled" in attrs)
        if tag == "input":
            kind = attrs.get("type", "text").lower()
            value = attrs.get("value", "on" if kind in ("checkbox", "radio") else "")
            self._form.controls.append(Control("input", kind, value=value, checked="checked" in attrs, **common))
        elif tag == "textarea":
            self._text = Control("textarea", "textarea", **common)
            self._form.controls.append(self._text)
        elif tag == "button":
            kind = attrs.get("type", "submit").lower()
            self._text = Control("button", kind, value=attrs.get("value", ""), **common)
            self._form.controls.append(self._text)
        elif tag == "select":
            self._select = Control("select", "select", multiple="multiple" in attrs, **common)
            self._form.controls.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = [attrs.get("value"), "selected" in attrs, ""]

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option[2] += data
        elif self._text is not None:
            if self._text.tag == "textarea":
                self._text.value += data
            else:
                self._text.text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag in ("textarea", "button"):
            if self._text is not None and self._text.tag == "textarea" and self._text.value.startswith("\n"):
                self._text.value = self._text.value[1:]  # the HTML parser's rule for a leading newline
            self._text = None
        elif tag == "option" and self._option is not None and self._select is not None:
            value, selected, label = self._option
            label = " ".join(label.split())
            self._select.options.append((label if value is None else value, selected, label))
            self._option = None


def forms_in(html: str, page_url: str = "http://testserver/") -> list[Form]:
    parser = _FormParser(page_url)
    parser.feed(html)
    return parser.forms


def pick(forms: list[Form], action: str | None = None, button: str | None = None,
         method: str | None = None) -> Form:
    """The one form with this action (exact path, or ending with it) and/or this submit button."""
    def matches(f: Form) -> bool:
        if action is None and button is None and f.action == "/logout":
            return False  # the header's log-out button is on every page; "the form" is the page's own
        if action is not None and not (f.action == action or f.action.endswith(action)):
            return False
        if method is not None and f.method != method:
            return False
        if button is not None:
            if button not in [c.label for c in f.controls if c.type == "submit"]:
                return False
        return True

    found = [f for f in forms if matches(f)]
    if len(found) != 1:
        raise AssertionError(f"expected one form (action={action!r}, button={button!r}), found {len(found)}: "
                             f"{[(f.method, f.action) for f in forms]}")
    return found[0]


async def form_on(client: httpx.AsyncClient, url: str, action: str | None = None,
                  button: str | None = None, method: str | None = "post") -> Form:
    """GET the page at `url` and return its form (by action and/or button label)."""
    page = await client.get(url)
    assert page.status_code == 200, f"GET {url}: {page.status_code} {page.text[:300]}"
    return form_in(client, page, action, button, method)


def form_in(client: httpx.AsyncClient, page: httpx.Response, action: str | None = None,
            button: str | None = None, method: str | None = "post") -> Form:
    """The form of a page already loaded (e.g. the one re-rendered with errors), bound to `client`."""
    form = pick(forms_in(page.text, str(page.url)), action, button, method)
    form.client = client
    return form
